package dev.bff.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The identity service's keys: one signing key per {@link SigningAlg}, and the keys published in
 * the JWKS, which are the signing keys plus rotated-out keys still in their grace period.
 *
 * <p>A rotated-out key stays published for {@code grace} after its rotation (the identity service
 * uses a day, the longest token lifetime, so every token it signed can still be verified), unless
 * it was retired or removed; expired keys vanish from reads at once (by the clock) and from memory
 * at the next change. Changes are serialised and publish a new immutable snapshot, so signing and
 * JWKS reads never lock. Generating a key costs CPU: call {@link #rotate} and {@link #remove} off
 * the event loop.
 */
public final class KeyRing {

  /**
   * A published key as the admin list shows it.
   *
   * @param kid         the key id
   * @param alg         its algorithm
   * @param signing     whether it signs new tokens
   * @param graceUntil  when a rotated-out key leaves the JWKS; {@code null} for a signing key
   */
  public record Published(String kid, SigningAlg alg, boolean signing, Instant graceUntil) {

    /** {@code {kid, alg, signing}} plus {@code graceUntil} (ISO-8601) for a rotated-out key. */
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("kid", kid).put("alg", alg.name()).put("signing", signing);
      return graceUntil == null ? json : json.put("graceUntil", graceUntil.toString());
    }
  }

  /**
   * The outcome of {@link #rotate}.
   *
   * @param key         the new signing key
   * @param previousKid the key it replaces
   * @param retired     whether the previous key left the JWKS at once
   */
  public record Rotation(SigningKey key, String previousKid, boolean retired) {

    /** {@code {kid, alg, signing: true, previous, retired}}. */
    public JsonObject toJson() {
      return new JsonObject().put("kid", key.kid()).put("alg", key.alg().name()).put("signing", true)
        .put("previous", previousKid).put("retired", retired);
    }
  }

  /**
   * The outcome of {@link #remove}.
   *
   * @param kid            the removed key
   * @param alg            its algorithm
   * @param replacementKid the new signing key when the removed one was signing, else {@code null}
   */
  public record Removal(String kid, SigningAlg alg, String replacementKid) {

    /** {@code {removed, alg, replacement}}; {@code replacement} is null for a rotated-out key. */
    public JsonObject toJson() {
      return new JsonObject().put("removed", kid).put("alg", alg.name()).put("replacement", replacementKid);
    }
  }

  /** A published key; {@code graceUntil} is null while it signs. */
  private record Entry(SigningKey key, Instant graceUntil) {
  }

  private final Clock clock;
  private final Duration grace;
  /** Signing keys first (in {@link SigningAlg} order), then rotated-out keys, oldest first. */
  private volatile List<Entry> entries;

  /** Generates one signing key per algorithm; rotated-out keys stay published for {@code grace}. */
  public KeyRing(Clock clock, Duration grace) {
    this.clock = clock;
    this.grace = grace;
    List<Entry> initial = new ArrayList<>();
    for (SigningAlg alg : SigningAlg.values()) {
      initial.add(new Entry(SigningKey.generate(alg), null));
    }
    this.entries = List.copyOf(initial);
  }

  /** The key that signs new tokens with {@code alg}. */
  public SigningKey signingKey(SigningAlg alg) {
    for (Entry entry : entries) {
      if (entry.graceUntil == null && entry.key.alg() == alg) {
        return entry.key;
      }
    }
    throw new IllegalStateException("no signing key for " + alg); // every change keeps one per alg
  }

  /** The keys in the JWKS now: signing keys, then rotated-out keys in their grace period. */
  public List<Published> published() {
    Instant now = clock.instant();
    List<Published> list = new ArrayList<>();
    for (Entry entry : entries) {
      if (isPublished(entry, now)) {
        list.add(new Published(entry.key.kid(), entry.key.alg(), entry.graceUntil == null, entry.graceUntil));
      }
    }
    return Collections.unmodifiableList(list);
  }

  /** The JWK Set, {@code {"keys": [public JWK, ...]}}, of the keys published now. */
  public JsonObject jwks() {
    Instant now = clock.instant();
    JsonArray keys = new JsonArray();
    for (Entry entry : entries) {
      if (isPublished(entry, now)) {
        keys.add(entry.key.publicJwk());
      }
    }
    return new JsonObject().put("keys", keys);
  }

  /**
   * Generates a new signing key for {@code alg}. The previous one stays published for the grace
   * period, or leaves the JWKS at once when {@code retire} is true.
   */
  public Rotation rotate(SigningAlg alg, boolean retire) {
    SigningKey fresh = SigningKey.generate(alg);
    synchronized (this) {
      Instant now = clock.instant();
      SigningKey previous = signingKey(alg);
      List<Entry> next = new ArrayList<>();
      for (Entry entry : live(now)) {
        if (entry.key != previous) {
          next.add(entry);
        }
      }
      next.add(alg.ordinal(), new Entry(fresh, null)); // the other algs' signing keys lead, in enum order
      if (!retire) {
        next.add(new Entry(previous, now.plus(grace)));
      }
      entries = List.copyOf(next);
      return new Rotation(fresh, previous.kid(), retire);
    }
  }

  /**
   * Removes the key {@code kid} from the JWKS; a signing key is replaced by a new one.
   *
   * @return what was removed, or empty when no published key has this id
   */
  public synchronized Optional<Removal> remove(String kid) {
    Instant now = clock.instant();
    for (Entry entry : live(now)) {
      if (!entry.key.kid().equals(kid)) {
        continue;
      }
      SigningAlg alg = entry.key.alg();
      if (entry.graceUntil == null) {
        return Optional.of(new Removal(kid, alg, rotate(alg, true).key().kid()));
      }
      List<Entry> next = new ArrayList<>(live(now));
      next.remove(entry);
      entries = List.copyOf(next);
      return Optional.of(new Removal(kid, alg, null));
    }
    return Optional.empty();
  }

  /** The entries still published at {@code now}; expired ones are dropped at the next change. */
  private List<Entry> live(Instant now) {
    return entries.stream().filter(entry -> isPublished(entry, now)).toList();
  }

  private static boolean isPublished(Entry entry, Instant now) {
    return entry.graceUntil == null || now.isBefore(entry.graceUntil);
  }

  /** The signing keys and the grace period, for the start-up log. */
  @Override
  public String toString() {
    List<String> signing = entries.stream().filter(entry -> entry.graceUntil == null)
      .map(entry -> entry.key.toString()).toList();
    return "KeyRing{signing=" + signing + ", grace=" + grace + "}";
  }
}
