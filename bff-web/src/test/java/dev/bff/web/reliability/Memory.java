package dev.bff.web.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * Heap and RSS of both replicas at named points of the run: heap used as {@code /metrics} reports it,
 * heap used right after a full GC, and the process's resident set. Replica a runs from start to end
 * and is the one whose growth is judged; replica b is killed and started again in the middle, so its
 * figures describe two processes.
 */
final class Memory {
  /** Growth allowed from the first sample of a process to its last, for heap after GC and for RSS. */
  static final double MAX_GROWTH = 0.30;

  /** One sample. */
  record Point(String label, String replica, int start, long heapUsed, long heapAfterGc, long rss) {}

  private final Stack st;
  final List<Point> points = new ArrayList<>();

  Memory(Stack st) {
    this.st = st;
  }

  void sample(String label) throws Exception {
    for (Replica r : List.of(st.a, st.b)) {
      long used = r.heapUsed();
      long afterGc = r.heapAfterGc();
      points.add(new Point(label, r.name(), r.starts(), used, afterGc, r.rss()));
    }
  }

  /** Replica a's samples, first to last. */
  List<Point> of(String replica) {
    return points.stream().filter(p -> p.replica().equals(replica)).toList();
  }

  /** Growth of {@code a} over the run, as a fraction of the first sample, for heap after GC and RSS. */
  double[] growth(String replica) {
    List<Point> a = of(replica);
    Point first = a.get(0);
    Point last = a.get(a.size() - 1);
    return new double[] {(double) (last.heapAfterGc() - first.heapAfterGc()) / first.heapAfterGc(),
        (double) (last.rss() - first.rss()) / first.rss()};
  }
}
