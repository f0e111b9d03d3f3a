/**
 * k6 provides a global `console` (https://grafana.com/docs/k6/latest/javascript-api/#console)
 * that @types/k6 does not declare; without DOM or Node types it needs this declaration.
 */
declare global {
  var console: {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
  };
}

export {};
