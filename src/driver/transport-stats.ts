/**
 * What the TLS and HTTP/2 transports count beyond bytes and connections (those stay in
 * WireCounter, taken on the TCP socket under TLS so TLS records and h2 frames are included):
 * TLS handshakes, full and resumed, and HTTP/2 sessions and the streams they carried.
 */

export interface TransportStats {
  /** TLS handshakes that sent a certificate and did the full key exchange. */
  tlsFullHandshakes: number;
  /** TLS handshakes resumed from a session ticket / cached session (`isSessionReused()`). */
  tlsResumedHandshakes: number;
  /** HTTP/2 sessions (TCP + TLS connections) opened. */
  h2SessionsOpened: number;
  /** HTTP/2 streams opened (one per request; an SSE stream is one). */
  h2StreamsOpened: number;
  /** The most streams one session carried at the same time. */
  h2MaxConcurrentStreams: number;
}

export function createTransportStats(): TransportStats {
  return {
    tlsFullHandshakes: 0,
    tlsResumedHandshakes: 0,
    h2SessionsOpened: 0,
    h2StreamsOpened: 0,
    h2MaxConcurrentStreams: 0,
  };
}

/** A window of the counters (end - start); the concurrency maximum is taken from `end`. */
export function diffTransportStats(start: TransportStats, end: TransportStats): TransportStats {
  return {
    tlsFullHandshakes: end.tlsFullHandshakes - start.tlsFullHandshakes,
    tlsResumedHandshakes: end.tlsResumedHandshakes - start.tlsResumedHandshakes,
    h2SessionsOpened: end.h2SessionsOpened - start.h2SessionsOpened,
    h2StreamsOpened: end.h2StreamsOpened - start.h2StreamsOpened,
    h2MaxConcurrentStreams: end.h2MaxConcurrentStreams,
  };
}
