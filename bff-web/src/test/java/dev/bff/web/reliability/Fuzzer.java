package dev.bff.web.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each {@link FuzzCase} on a fresh plain socket, reads the answers it asks for (status line,
 * headers and a body framed by Content-Length or chunks), and compares the last with the case's
 * expectation. Several sockets at a time; blocking, off the event loops.
 */
final class Fuzzer {
  /** What a fuzz pass found. */
  record Result(int cases, Map<String, Map<String, Integer>> byCategory, List<String> unmet, int noAnswer,
      int gatewayErrors) {
    /** Mismatches, shown up to 30. */
    String unmetShown() {
      return unmet.isEmpty() ? "none" : String.join("\n", unmet.subList(0, Math.min(30, unmet.size())));
    }
  }

  private Fuzzer() {}

  /**
   * Runs {@code cases} against {@code 127.0.0.1:port} on {@code parallel} threads; an answer must
   * come (or the connection close) within {@code readTimeoutMs}.
   */
  static Result run(int port, List<FuzzCase> cases, int parallel, int readTimeoutMs) throws InterruptedException {
    Map<String, Map<String, Integer>> by = new ConcurrentHashMap<>();
    List<String> unmet = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger noAnswer = new AtomicInteger();
    AtomicInteger fivexx = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    for (FuzzCase c : cases) {
      pool.execute(() -> {
        int status = exchange(port, c, readTimeoutMs);
        String outcome = status == -1 ? "closed" : status == -2 ? "no answer in time" : String.valueOf(status);
        by.computeIfAbsent(c.category(), k -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
        if (status == -2) {
          noAnswer.incrementAndGet();
        }
        if (status >= 500) {
          fivexx.incrementAndGet();
        }
        if (status == -2 || !c.expect().met(status)) {
          unmet.add(c.category() + " / " + c.name() + ": expected " + c.expect().description() + ", got "
              + outcome + "   <" + c.shown() + ">");
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      pool.shutdownNow();
      throw new IllegalStateException("the fuzz pass did not end within 10 minutes");
    }
    Map<String, Map<String, Integer>> sorted = new TreeMap<>();
    by.forEach((k, v) -> sorted.put(k, new TreeMap<>(v)));
    return new Result(cases.size(), sorted, List.copyOf(unmet), noAnswer.get(), fivexx.get());
  }

  /**
   * The status of the last answer the case asks for; -1 when the connection closed first (before an
   * answer, or without all the answers), -2 when neither came within the timeout.
   */
  static int exchange(int port, FuzzCase c, int readTimeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(readTimeoutMs);
      OutputStream out = s.getOutputStream();
      try {
        out.write(c.bytes());
        out.flush();
      } catch (IOException e) {
        // the gateway may refuse and close before all was written: its answer may still be there
      }
      InputStream in = s.getInputStream();
      int status = -1;
      for (int i = 0; i < c.answers(); i++) {
        status = readOne(in);
        if (status < 0) {
          return status;
        }
      }
      return status;
    } catch (SocketTimeoutException e) {
      return -2;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Reads one answer; its status, or -1 when the connection ends first. */
  private static int readOne(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null || !statusLine.startsWith("HTTP/")) {
      return -1;
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (status == 100) {
      return readOne(in);
    }
    if (chunked) {
      for (String size = line(in); size != null; size = line(in)) {
        long n = Long.parseLong(size.split(";")[0].trim(), 16);
        if (n == 0) {
          line(in);
          break;
        }
        in.readNBytes((int) n);
        line(in);
      }
    } else if (length > 0) {
      in.readNBytes((int) length);
    }
    return status;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }
}
