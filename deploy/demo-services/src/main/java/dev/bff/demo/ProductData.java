package dev.bff.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The deterministic product domain shared by the demo services: categories, products and stock.
 *
 * <p>Everything is generated from one seeded {@link Random}, so two instances built from the same
 * seed are equal field by field, across JVMs and restarts.
 */
public final class ProductData {

  /** Seed of {@link #standard()}. */
  public static final long DEFAULT_SEED = 42L;
  /** Number of products; ids run from {@code "1"} to this number. */
  public static final int PRODUCT_COUNT = 120;
  /** Number of featured products. */
  public static final int FEATURED_COUNT = 10;

  private static final List<Category> CATEGORIES = List.of(
    new Category("electronics", "Electronics"),
    new Category("home", "Home & Kitchen"),
    new Category("sports", "Sports & Outdoors"),
    new Category("fashion", "Fashion"),
    new Category("books", "Books"),
    new Category("toys", "Toys & Games"),
    new Category("beauty", "Beauty"),
    new Category("garden", "Garden"));

  private static final String[][] NOUNS = {
    {"Wireless Headphones", "Smart Speaker", "4K Monitor", "Mechanical Keyboard", "Action Camera", "Tablet"},
    {"Espresso Machine", "Chef's Knife", "Cast Iron Pan", "Blender", "Kettle", "Cutting Board"},
    {"Trail Running Shoes", "Yoga Mat", "Tent", "Road Bike Helmet", "Water Bottle", "Daypack"},
    {"Denim Jacket", "Wool Sweater", "Leather Belt", "Rain Coat", "Sneakers", "Scarf"},
    {"Cookbook", "Travel Guide", "Mystery Novel", "Science Primer", "Photo Book", "Poetry Collection"},
    {"Building Blocks Set", "Board Game", "Puzzle", "Plush Bear", "Model Train", "Kite"},
    {"Face Cream", "Shampoo", "Perfume", "Lip Balm", "Hair Dryer", "Sunscreen"},
    {"Garden Hose", "Pruning Shears", "Raised Bed", "Solar Lamp", "Bird Feeder", "Compost Bin"}};

  private static final String[][] BRANDS = {
    {"Voltara", "Sonique", "Pixelfield"},
    {"Kuchenwerk", "Brava", "Hearthly"},
    {"Peakline", "Stridewell", "Northpass"},
    {"Atelier Nord", "Threadmill", "Urbano"},
    {"Inkwell Press", "Marginalia", "Folio & Co"},
    {"Playmakers", "Tinker Town", "Bricklane"},
    {"Lumea", "Verdant Skin", "Aurelle"},
    {"Greenhand", "Terrafirma", "Bloomfield"}};

  private static final String[] ADJECTIVES = {
    "Aurora", "Classic", "Compact", "Deluxe", "Eco", "Essential", "Fusion", "Horizon", "Nova", "Pro",
    "Summit", "Urban", "Vintage", "Zen"};

  private static final String[] USES = {
    "everyday use", "weekend projects", "small apartments", "busy families", "gift giving", "travel",
    "beginners and experts alike"};

  private static final String[] WAREHOUSES = {"BER-1", "HAM-2", "MUC-1", "FRA-3"};

  private static volatile ProductData standard;

  private final long seed;
  private final List<Product> products;
  private final Map<String, Product> byId;
  private final Map<String, Stock> stock;

  private ProductData(long seed) {
    this.seed = seed;
    Random random = new Random(seed);
    Set<Integer> featured = new HashSet<>();
    while (featured.size() < FEATURED_COUNT) {
      featured.add(1 + random.nextInt(PRODUCT_COUNT));
    }
    List<Product> list = new ArrayList<>(PRODUCT_COUNT);
    Map<String, Product> index = new LinkedHashMap<>();
    Map<String, Stock> levels = new LinkedHashMap<>();
    for (int n = 1; n <= PRODUCT_COUNT; n++) {
      Product product = product(random, n, featured.contains(n));
      list.add(product);
      index.put(product.id(), product);
      levels.put(product.id(), stock(random, product.id()));
    }
    this.products = Collections.unmodifiableList(list);
    this.byId = Collections.unmodifiableMap(index);
    this.stock = Collections.unmodifiableMap(levels);
  }

  /** Generates the domain from {@code seed}. */
  public static ProductData generate(long seed) {
    return new ProductData(seed);
  }

  /** The domain of {@link #DEFAULT_SEED}, generated once per JVM. */
  public static ProductData standard() {
    ProductData data = standard;
    if (data == null) {
      synchronized (ProductData.class) {
        if (standard == null) {
          standard = new ProductData(DEFAULT_SEED);
        }
        data = standard;
      }
    }
    return data;
  }

  /** The seed this domain was generated from. */
  public long seed() {
    return seed;
  }

  /** The eight categories, in display order. */
  public List<Category> categories() {
    return CATEGORIES;
  }

  /** All products ordered by numeric id. */
  public List<Product> products() {
    return products;
  }

  /** The product with this id, if any. */
  public Optional<Product> product(String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /** The stock level of this product, if the product exists. */
  public Optional<Stock> stock(String productId) {
    return Optional.ofNullable(productId == null ? null : stock.get(productId));
  }

  private static Product product(Random random, int n, boolean featured) {
    int c = random.nextInt(CATEGORIES.size());
    Category category = CATEGORIES.get(c);
    String noun = NOUNS[c][random.nextInt(NOUNS[c].length)];
    String brand = BRANDS[c][random.nextInt(BRANDS[c].length)];
    String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + noun + " " + (char) ('A' + random.nextInt(26))
      + (100 + random.nextInt(900));
    String description = "The " + name + " by " + brand + " is a dependable choice for "
      + USES[random.nextInt(USES.length)] + ". It comes with a " + (1 + random.nextInt(3))
      + "-year warranty and free returns within 30 days.";
    BigDecimal price = BigDecimal.valueOf(499 + random.nextInt(49_500), 2);
    return new Product(Integer.toString(n), name, description, price, category, brand, featured);
  }

  private static Stock stock(Random random, String productId) {
    boolean soldOut = random.nextInt(8) == 0;
    int quantity = soldOut ? 0 : 1 + random.nextInt(250);
    int shipsInDays = soldOut ? 14 : 1 + random.nextInt(3);
    return new Stock(productId, quantity, WAREHOUSES[random.nextInt(WAREHOUSES.length)], shipsInDays);
  }
}
