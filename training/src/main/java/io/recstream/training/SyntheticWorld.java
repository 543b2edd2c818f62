package io.recstream.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small world of items and users that behaves like real traffic: items belong to categories and
 * have Zipf-distributed popularity; each user prefers one or two categories and mostly picks items
 * from them; new users keep arriving. Deterministic for a given seed.
 */
public final class SyntheticWorld {

    private final int items;
    private final int categories;
    private final double tasteShare;
    private final Random random;
    private final int[] itemCategory;
    private final double[] globalCdf;
    private final List<List<Integer>> itemsByCategory = new ArrayList<>();
    private final List<double[]> categoryCdf = new ArrayList<>();
    private final List<int[]> userTastes = new ArrayList<>();

    /**
     * @param items catalog size
     * @param categories number of categories
     * @param zipfExponent popularity skew (1.0 is typical)
     * @param tasteShare probability that a user's pick comes from their preferred categories
     * @param seed random seed
     */
    public SyntheticWorld(
            int items, int categories, double zipfExponent, double tasteShare, long seed) {
        if (items < categories || categories < 1) {
            throw new IllegalArgumentException("need at least one item per category");
        }
        this.items = items;
        this.categories = categories;
        this.tasteShare = tasteShare;
        this.random = new Random(seed);
        this.itemCategory = new int[items];
        double[] weight = new double[items];
        for (int c = 0; c < categories; c++) {
            itemsByCategory.add(new ArrayList<>());
        }
        for (int i = 0; i < items; i++) {
            itemCategory[i] = i % categories;
            itemsByCategory.get(itemCategory[i]).add(i);
            weight[i] = 1.0 / Math.pow(i + 1, zipfExponent);
        }
        globalCdf = cdf(weight);
        for (int c = 0; c < categories; c++) {
            List<Integer> members = itemsByCategory.get(c);
            double[] w = new double[members.size()];
            for (int j = 0; j < w.length; j++) {
                w[j] = weight[members.get(j)];
            }
            categoryCdf.add(cdf(w));
        }
    }

    /** The default demo world: 2,000 items in 20 categories. */
    public static SyntheticWorld demo(long seed) {
        return new SyntheticWorld(2_000, 20, 1.0, 0.85, seed);
    }

    private static double[] cdf(double[] w) {
        double[] c = new double[w.length];
        double total = 0;
        for (double x : w) {
            total += x;
        }
        double acc = 0;
        for (int i = 0; i < w.length; i++) {
            acc += w[i] / total;
            c[i] = acc;
        }
        c[w.length - 1] = 1.0;
        return c;
    }

    private int sample(double[] cdf) {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    public static String itemId(int item) {
        return "item-" + item;
    }

    public static String userId(int user) {
        return "user-" + user;
    }

    public String categoryName(int category) {
        return "category-" + category;
    }

    /** Item id → its category, for training. */
    public Map<String, List<String>> itemCategories() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < items; i++) {
            m.put(itemId(i), List.of(categoryName(itemCategory[i])));
        }
        return m;
    }

    /** Adds a user with one or two preferred categories; returns its number. */
    public synchronized int newUser() {
        int first = random.nextInt(categories);
        int[] taste =
                random.nextDouble() < 0.5
                        ? new int[] {first}
                        : new int[] {
                            first, (first + 1 + random.nextInt(categories - 1)) % categories
                        };
        userTastes.add(taste);
        return userTastes.size() - 1;
    }

    public synchronized int users() {
        return userTastes.size();
    }

    /** A random existing user. */
    public synchronized int randomUser() {
        return random.nextInt(userTastes.size());
    }

    /** An item this user might pick next. */
    public synchronized int pick(int user) {
        int[] taste = userTastes.get(user);
        if (random.nextDouble() < tasteShare) {
            int c = taste[random.nextInt(taste.length)];
            return itemsByCategory.get(c).get(sample(categoryCdf.get(c)));
        }
        return sample(globalCdf);
    }

    /** Whether an item is in one of the user's preferred categories. */
    public synchronized boolean likes(int user, int item) {
        if (user < 0 || user >= userTastes.size() || item < 0 || item >= items) {
            return false;
        }
        for (int c : userTastes.get(user)) {
            if (itemCategory[item] == c) {
                return true;
            }
        }
        return false;
    }

    /** The number of an id made by {@link #userId} or {@link #itemId}, or -1. */
    public static int number(String id) {
        int dash = id.lastIndexOf('-');
        try {
            return Integer.parseInt(id.substring(dash + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** A popular-weighted item of one category. */
    public synchronized int pickFrom(int category) {
        return itemsByCategory.get(category).get(sample(categoryCdf.get(category)));
    }

    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    /**
     * A history of {@code events} interactions of {@code users} users between {@code from} and
     * {@code until}, in time order; users interact in sessions of several items.
     */
    public List<TrainingEvent> history(int users, int events, long from, long until) {
        while (users() < users) {
            newUser();
        }
        List<TrainingEvent> out = new ArrayList<>(events);
        long span = Math.max(1, until - from);
        while (out.size() < events) {
            int user = randomUser();
            long t = from + (long) (nextDouble() * span);
            int session = 1 + (int) (nextDouble() * 8);
            for (int s = 0; s < session && out.size() < events; s++) {
                t = Math.min(until - 1, t + 30_000L);
                out.add(
                        new TrainingEvent(
                                "history:" + out.size(),
                                userId(user),
                                itemId(pick(user)),
                                t,
                                Double.NaN));
            }
        }
        out.sort(java.util.Comparator.comparingLong(TrainingEvent::time));
        return out;
    }
}
