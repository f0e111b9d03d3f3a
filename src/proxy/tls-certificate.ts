/**
 * A self-signed certificate for 127.0.0.1 / localhost, made per run with the system's openssl
 * into the run's directory: nothing is committed, nothing outlives the run, and the driver
 * trusts exactly this certificate (no `rejectUnauthorized: false`).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TlsCertificate {
  certPath: string;
  keyPath: string;
  /** The certificate, PEM: what clients pass as `ca`. */
  certPem: string;
}

/** One line saying what is missing and the fix, for a run or test that needs openssl. */
export const NO_OPENSSL_REASON =
  "openssl not found on PATH; install it (Debian: apt-get install openssl) to run with --tls";

export async function makeTlsCertificate(dir: string): Promise<TlsCertificate> {
  const certPath = path.join(dir, "cert.pem");
  const keyPath = path.join(dir, "key.pem");
  try {
    // EC P-256: the handshake cost a modern deployment pays (RSA-2048 would inflate it).
    await run(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { timeout: 15_000 },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(NO_OPENSSL_REASON);
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? "";
    throw new Error(`openssl could not make the run's certificate: ${stderr || String(error)}`);
  }
  return { certPath, keyPath, certPem: await readFile(certPath, "utf8") };
}
