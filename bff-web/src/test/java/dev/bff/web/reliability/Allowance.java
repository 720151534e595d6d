package dev.bff.web.reliability;

import java.util.Set;

/**
 * A status other than 200 that the load may get because of a fault: for requests of one kind (and
 * resource id) that overlapped the time the fault was in place, i.e. were sent before it ended and
 * answered after it began. A request that waited for a connection, or was held up on a busy
 * machine, is judged by when it was really in the system. Every other answer must be 200.
 *
 * @param fromMs   when the fault began (load time base)
 * @param toMs     when it ended
 * @param kind     the kind of request, or null for any
 * @param id       its resource id, or -1 for any
 * @param statuses what it may be answered
 * @param why      the fault, for the report
 */
record Allowance(long fromMs, long toMs, MixedLoad.Kind kind, int id, Set<Integer> statuses, String why) {
  boolean covers(Samples s, int i) {
    return s.sentMs(i) <= toMs && s.endMs(i) >= fromMs && (kind == null || s.kind(i) == kind)
        && (id < 0 || s.id(i) == id) && statuses.contains(s.status(i));
  }
}
