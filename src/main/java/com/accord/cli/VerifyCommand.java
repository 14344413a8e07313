package com.accord.cli;

import com.accord.simulation.GroundTruth;
import com.accord.simulation.Verifier;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** {@code verify --truth FILE [--api URL] [--user U --password P] [--timeout PT2M]}: scores Accord against a ground truth; non-zero on any disagreement. */
public final class VerifyCommand {
  private VerifyCommand() {}

  public static int run(Options options, PrintStream out) throws Exception {
    GroundTruth truth = GroundTruth.read(Path.of(options.required("truth")));
    String api = options.get("api", "http://127.0.0.1:8080");
    Verifier.Report report = new Verifier(api, options.accessToken(api)).verify(truth, options.duration("timeout", Duration.ofMinutes(2)));
    report.print(out);
    return report.passed() ? 0 : 1;
  }
}
