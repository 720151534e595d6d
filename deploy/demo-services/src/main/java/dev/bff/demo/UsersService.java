package dev.bff.demo;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * The users service (default port 7105) with users {@code u1} to {@code u50}.
 *
 * <pre>
 * GET /users/:id → {id, name, email, tier}, or 404
 * </pre>
 */
public final class UsersService implements ServiceRoutes {

  /** Number of users; ids run from {@code u1} to {@code u<USER_COUNT>}. */
  public static final int USER_COUNT = 50;

  private static final String[] FIRST = {
    "Anna", "Ben", "Clara", "Deniz", "Emil", "Frieda", "Gabriel", "Hanna", "Ivan", "Julia", "Karl", "Lena", "Milan",
    "Nora", "Oskar", "Paula"};
  private static final String[] LAST = {
    "Schmidt", "Novak", "Rossi", "Jansen", "Dubois", "Kowalski", "Berg", "Silva", "Meyer", "Costa", "Weber", "Horvat"};
  private static final String[] TIERS = {"standard", "standard", "standard", "silver", "silver", "gold", "platinum"};

  private final Map<String, JsonObject> users = new TreeMap<>();

  /** Generates the users from {@code data}'s seed. */
  public UsersService(ProductData data) {
    Random random = new Random(data.seed() + 5);
    for (int n = 1; n <= USER_COUNT; n++) {
      String first = FIRST[random.nextInt(FIRST.length)];
      String last = LAST[random.nextInt(LAST.length)];
      String id = "u" + n;
      users.put(id, new JsonObject()
        .put("id", id)
        .put("name", first + " " + last)
        .put("email", (first + "." + last + n).toLowerCase(Locale.ROOT) + "@example.com")
        .put("tier", TIERS[random.nextInt(TIERS.length)]));
    }
  }

  @Override
  public void mount(Router router) {
    router.get("/users/:id").handler(this::user);
  }

  /** The profile of user {@code id}, or empty for an id other than {@code u1}..{@code u50}. */
  Optional<JsonObject> find(String id) {
    return Optional.ofNullable(users.get(id)).map(JsonObject::copy);
  }

  private void user(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject user = users.get(id);
    if (user == null) {
      throw Problem.notFound("user " + id + " not found");
    }
    Replies.json(ctx, 200, user);
  }
}
