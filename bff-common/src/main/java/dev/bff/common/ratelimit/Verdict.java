package dev.bff.common.ratelimit;

/**
 * What one limit says about one request.
 *
 * @param admitted   whether the limit admits it (and counted it, when the whole decision admitted it)
 * @param remaining  requests the key may still make at once
 * @param resetNanos time until the limit is fully restored if nothing else is sent
 * @param retryNanos time until a request would be admitted (0 when admitted)
 */
public record Verdict(boolean admitted, long remaining, long resetNanos, long retryNanos) {}
