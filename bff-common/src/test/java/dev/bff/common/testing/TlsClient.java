package dev.bff.common.testing;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A blocking TLS client on JDK sockets, for what a test must see at the TLS level: the protocol
 * negotiated, the certificate the server presented, whether the server asked for a client
 * certificate and from which CAs; and HTTP/1.1 over the connection ({@link RawHttp}). Every
 * connection gets a new {@link SSLContext}, so no session is resumed (a resumed session would
 * show the certificate of the first one). Test thread only.
 */
public final class TlsClient {
  private static final char[] PASSWORD = "test".toCharArray();

  private final TestCerts.Issued ca;
  private final TestCerts.Issued clientCert;
  private final List<String> protocols;
  private final List<String> alpn;

  private TlsClient(TestCerts.Issued ca, TestCerts.Issued clientCert, List<String> protocols, List<String> alpn) {
    this.ca = ca;
    this.clientCert = clientCert;
    this.protocols = protocols;
    this.alpn = alpn;
  }

  /** A client trusting only {@code ca}, offering TLS 1.2 and 1.3, without a client certificate. */
  public static TlsClient trusting(TestCerts.Issued ca) {
    return new TlsClient(ca, null, List.of("TLSv1.3", "TLSv1.2"), List.of());
  }

  /** The same client presenting {@code cert} when the server asks for one. */
  public TlsClient withCertificate(TestCerts.Issued cert) {
    return new TlsClient(ca, cert, protocols, alpn);
  }

  /** The same client offering only these protocol versions. */
  public TlsClient offering(String... versions) {
    return new TlsClient(ca, clientCert, List.of(versions), alpn);
  }

  /** The same client offering these ALPN protocols (e.g. {@code h2}, {@code http/1.1}). */
  public TlsClient alpn(String... names) {
    return new TlsClient(ca, clientCert, protocols, List.of(names));
  }

  /**
   * What a completed handshake showed.
   *
   * @param protocol  the version negotiated
   * @param alpn      the ALPN protocol chosen, empty when none
   * @param server    the server's certificate
   * @param askedFrom the CAs the server asked a client certificate from, or null when it asked for none
   */
  public record Handshake(String protocol, String alpn, X509Certificate server, List<String> askedFrom) {}

  /** An open TLS connection: its handshake and HTTP/1.1 over it. */
  public record Connection(Handshake handshake, RawHttp http) implements AutoCloseable {
    /** Sends a GET on this connection (kept alive) and reads the response. */
    public BffUnderTest.Response get(String path) {
      return http.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
    }

    @Override
    public void close() {
      http.close();
    }
  }

  /** Connects to {@code 127.0.0.1:port} and completes a handshake; the connection stays open. */
  public Connection connect(int port) throws IOException {
    AtomicReference<List<String>> asked = new AtomicReference<>();
    SSLSocket s = (SSLSocket) context(asked).getSocketFactory().createSocket("127.0.0.1", port);
    try {
      s.setSoTimeout(30_000);
      SSLParameters p = s.getSSLParameters();
      p.setProtocols(protocols.toArray(String[]::new));
      p.setApplicationProtocols(alpn.toArray(String[]::new));
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      X509Certificate server = (X509Certificate) s.getSession().getPeerCertificates()[0];
      String chosen = s.getApplicationProtocol();
      return new Connection(new Handshake(s.getSession().getProtocol(), chosen == null ? "" : chosen, server,
          asked.get()), RawHttp.over(s));
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Completes a handshake with {@code 127.0.0.1:port} and closes the connection. */
  public Handshake handshake(int port) throws IOException {
    try (Connection c = connect(port)) {
      return c.handshake();
    }
  }

  /**
   * Connects, sends {@code GET path} and reads the response. With TLS 1.3 a server that rejects
   * the client certificate does so after the client finished its handshake, so the failure may
   * surface here, on the write or the read.
   */
  public BffUnderTest.Response get(int port, String path, Map<String, String> headers) throws IOException {
    try (Connection c = connect(port)) {
      StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
      headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
      return c.http().write(sb.append("Connection: close\r\n\r\n").toString()).read();
    } catch (AssertionError e) {
      if (e.getCause() instanceof IOException io) {
        throw io; // RawHttp's wrapping: what failed here is the connection
      }
      throw e;
    }
  }

  /** {@link #get(int, String, Map)} without extra headers. */
  public BffUnderTest.Response get(int port, String path) throws IOException {
    return get(port, path, Map.of());
  }

  private SSLContext context(AtomicReference<List<String>> asked) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      X509KeyManager own = null;
      if (clientCert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", clientCert.key(), PASSWORD, new Certificate[] {clientCert.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, PASSWORD);
        own = (X509KeyManager) kmf.getKeyManagers()[0];
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {new Recording(own, asked)}, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Presents the client certificate (if any) and records that, and from which CAs, the server asked for one. */
  private static final class Recording extends X509ExtendedKeyManager {
    private final X509KeyManager own;
    private final AtomicReference<List<String>> asked;

    Recording(X509KeyManager own, AtomicReference<List<String>> asked) {
      this.own = own;
      this.asked = asked;
    }

    private String choose(String[] keyTypes, Principal[] issuers) {
      asked.set(issuers == null ? List.of() : java.util.Arrays.stream(issuers).map(Principal::getName).toList());
      if (own == null) {
        return null;
      }
      for (String t : keyTypes) {
        String[] aliases = own.getClientAliases(t, null);
        if (aliases != null && aliases.length > 0) {
          return aliases[0];
        }
      }
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return choose(keyTypes, issuers);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return choose(keyTypes, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return own == null ? null : own.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return own == null ? null : own.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return own == null ? null : own.getPrivateKey(alias);
    }
  }
}
