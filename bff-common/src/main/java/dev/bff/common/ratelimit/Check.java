package dev.bff.common.ratelimit;

/**
 * One limit to apply to one request: the meter and the bucket it counts in.
 *
 * @param meter how the bucket is counted
 * @param key   the bucket (policy, kind, route when scoped, and the request's key value)
 */
public record Check(Meter meter, String key) {}
