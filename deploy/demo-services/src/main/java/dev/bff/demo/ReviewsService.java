package dev.bff.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The reviews service (default port 7102). Each product gets 0 to 30 reviews generated from the seed
 * and its id; some products have none.
 *
 * <pre>
 * GET /reviews?productId=1&amp;limit=20   → {productId, items: [{id, productId, author, rating, title, text, createdAt}], total}
 * GET /reviews/summary?productId=1      → {productId, average, count}   (average null when count is 0)
 * </pre>
 * Items are latest first; unknown products answer 404.
 */
public final class ReviewsService implements ServiceRoutes {

  /** Largest accepted {@code limit}. */
  public static final int MAX_LIMIT = 100;

  private static final Instant NEWEST = Instant.parse("2025-06-01T12:00:00Z");
  private static final String[] AUTHORS = {
    "Anna K.", "Ben M.", "Chloe R.", "David S.", "Elif T.", "Farid H.", "Greta L.", "Hugo P.", "Ines W.", "Jonas B.",
    "Kira F.", "Lukas D."};
  private static final String[][] TITLES = {
    {"Disappointing", "Would not buy again"},
    {"Not great", "Below expectations"},
    {"Okay for the price", "Does the job"},
    {"Very good", "Happy with it"},
    {"Excellent!", "Love it"}};
  private static final String[] TEXTS = {
    "Arrived quickly and well packed.",
    "Quality is about what I expected.",
    "I have used it daily for a month now.",
    "The description matches the product.",
    "Customer service answered within a day."};

  private final ProductData data;
  private final Map<String, List<JsonObject>> reviews = new HashMap<>();

  /** Generates the reviews of every product in {@code data}. */
  public ReviewsService(ProductData data) {
    this.data = data;
    for (Product product : data.products()) {
      reviews.put(product.id(), generate(data.seed(), product.id()));
    }
  }

  @Override
  public void mount(Router router) {
    router.get("/reviews").handler(this::list);
    router.get("/reviews/summary").handler(this::summary);
  }

  private void list(RoutingContext ctx) {
    String productId = QueryParams.required(ctx, "productId");
    int limit = QueryParams.integer(ctx, "limit", 20, 1, MAX_LIMIT);
    List<JsonObject> all = reviewsOf(productId);
    JsonArray items = new JsonArray(new ArrayList<>(all.subList(0, Math.min(limit, all.size()))));
    Replies.json(ctx, 200, new JsonObject().put("productId", productId).put("items", items).put("total", all.size()));
  }

  private void summary(RoutingContext ctx) {
    String productId = QueryParams.required(ctx, "productId");
    List<JsonObject> all = reviewsOf(productId);
    Double average = null;
    if (!all.isEmpty()) {
      double sum = all.stream().mapToInt(r -> r.getInteger("rating")).sum();
      average = Math.round(sum / all.size() * 100) / 100.0;
    }
    Replies.json(ctx, 200, new JsonObject().put("productId", productId).put("average", average)
      .put("count", all.size()));
  }

  /** Ratings lean positive, like real shops: 5% one star, 8% two, 17% three, 35% four, 35% five. */
  private static int rating(int percentile) {
    return percentile < 5 ? 1 : percentile < 13 ? 2 : percentile < 30 ? 3 : percentile < 65 ? 4 : 5;
  }

  private List<JsonObject> reviewsOf(String productId) {
    List<JsonObject> list = reviews.get(productId);
    if (list == null) {
      throw Problem.notFound("product " + productId + " not found");
    }
    return list;
  }

  /** Newest first: each review is a few hours to days older than the previous one. */
  private static List<JsonObject> generate(long seed, String productId) {
    Random random = new Random(seed * 31 + Long.parseLong(productId));
    int count = random.nextInt(31);
    List<JsonObject> list = new ArrayList<>(count);
    Instant at = NEWEST.minus(random.nextInt(72), ChronoUnit.HOURS);
    for (int i = 0; i < count; i++) {
      int rating = rating(random.nextInt(100));
      String[] titles = TITLES[rating - 1];
      list.add(new JsonObject()
        .put("id", "r" + productId + "-" + (count - i))
        .put("productId", productId)
        .put("author", AUTHORS[random.nextInt(AUTHORS.length)])
        .put("rating", rating)
        .put("title", titles[random.nextInt(titles.length)])
        .put("text", TEXTS[random.nextInt(TEXTS.length)] + " " + TEXTS[random.nextInt(TEXTS.length)])
        .put("createdAt", at.toString()));
      at = at.minus(1 + random.nextInt(240), ChronoUnit.HOURS);
    }
    return List.copyOf(list);
  }
}
