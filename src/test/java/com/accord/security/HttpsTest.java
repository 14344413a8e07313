package com.accord.security;

import static com.accord.security.SecuritySupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Specifies HTTPS from PEM files: served with the configured certificate and HSTS, and nothing in plain text on that port. */
@ExtendWith(VertxExtension.class)
class HttpsTest {

  @TempDir
  static Path dir;

  private static AccordFixture fixture;
  private static X509Certificate certificate;
  /** Trusts exactly the certificate made for this test. */
  private static HttpClient trusting;
  private static String httpsBase;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    X500Name subject = new X500Name("CN=accord-test");
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, pair.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    certificate = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));

    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, pem(certificate), StandardCharsets.US_ASCII);
    Files.writeString(key, pem(pair.getPrivate()), StandardCharsets.US_ASCII);

    fixture = AccordFixture.start(vertx, Map.of(
        "ACCORD_HTTP_TLS_ENABLED", "true",
        "ACCORD_HTTP_TLS_CERT_PATH", cert.toString(),
        "ACCORD_HTTP_TLS_KEY_PATH", key.toString()));
    assertThat(fixture.baseUrl()).startsWith("http://127.0.0.1:");
    httpsBase = fixture.baseUrl().replaceFirst("^http://", "https://");

    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("accord-test", certificate);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    trusting = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static String pem(Object object) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void servesHttpsWithTheConfiguredCertificateAndHsts() throws Exception {
    HttpResponse<String> response = trusting.send(HttpRequest.newBuilder(URI.create(httpsBase + "/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getString("status")).isEqualTo("UP");
    assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(hsts ->
        assertThat(hsts).contains("max-age=").doesNotContain("max-age=0"));
    assertThat(response.sslSession()).hasValueSatisfying(session -> {
      try {
        assertThat(session.getPeerCertificates()[0]).isEqualTo(certificate);
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void signInAndApiCallsWorkOverHttps() {
    HttpResult token = send(trusting, "POST", httpsBase + "/api/v1/auth/token", Map.of(), new JsonObject()
        .put("grant_type", "password").put("username", "auditor").put("password", fixture.password("auditor")).encode());
    assertThat(token.status()).as(token.body()).isEqualTo(200);

    HttpResult me = send(trusting, "GET", httpsBase + "/api/v1/me",
        Map.of("Authorization", "Bearer " + token.json().getString("access_token")), null);
    assertThat(me.status()).as(me.body()).isEqualTo(200);
    assertThat(me.json().getString("name")).isEqualTo("auditor");
    assertThat(me.header("Strict-Transport-Security")).isNotNull();

    HttpResult discovery = send(trusting, "GET", httpsBase + "/.well-known/openid-configuration", Map.of(), null);
    assertThat(discovery.json().getString("jwks_uri")).startsWith("https://");
    assertThat(discovery.json().getString("token_endpoint")).startsWith("https://");
  }

  @Test
  void plainHttpToTheSamePortFails() {
    assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
        .send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefusedTheHandshake() {
    assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
        .send(HttpRequest.newBuilder(URI.create(httpsBase + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }
}
