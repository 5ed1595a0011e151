package dev.mcplatencyprobe.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.compare.Comparison.Decision;
import dev.mcplatencyprobe.compare.Comparison.PercentileResult;
import dev.mcplatencyprobe.compare.Comparison.RowResult;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private Comparison compare(Path base, Path next) throws Exception {
        return Comparison.of(ReportFile.read(base), ReportFile.read(next), Tolerances.defaults());
    }

    private static PercentileResult at(RowResult row, double percentile) {
        return row.percentiles().stream().filter(p -> p.percentile() == percentile).findFirst().orElseThrow();
    }

    @Test
    void twoRunsOfTheSameWorkloadAreNoSignificantChangeInAtLeast19Of20() throws Exception {
        int unchanged = 0;
        int unchangedHlog = 0;
        for (int i = 0; i < 20; i++) {
            var a = SleepReports.write(dir, "a" + i, 1000 + 2 * i, 200, 5 * MS);
            var b = SleepReports.write(dir, "b" + i, 1001 + 2 * i, 200, 5 * MS);
            if (compare(a.json(), b.json()).overall().decision() == Decision.NO_CHANGE) {
                unchanged++;
            }
            if (compare(a.hlog(), b.hlog()).overall().decision() == Decision.NO_CHANGE) {
                unchangedHlog++;
            }
        }
        System.out.println("same workload, 20 pairs of 200 x 5 ms sleeps: no significant change overall in "
                + unchanged + "/20 (JSON), " + unchangedHlog + "/20 (.hlog)");
        assertTrue(unchanged >= 19, unchanged + " of 20");
        assertTrue(unchangedHlog >= 19, unchangedHlog + " of 20");
    }

    @Test
    void sleepsFrom5msTo6msAreARegressionAtP50AndP99() throws Exception {
        var base = SleepReports.write(dir, "base", 1, 200, 5 * MS);
        var slower = SleepReports.write(dir, "slower", 2, 200, 6 * MS);
        for (Comparison c : new Comparison[] {compare(base.json(), slower.json()), compare(base.hlog(), slower.hlog())}) {
            RowResult overall = c.overall();
            assertEquals(Decision.REGRESSION, overall.decision());
            assertEquals(Decision.REGRESSION, at(overall, 50).decision());
            assertEquals(Decision.REGRESSION, at(overall, 99).decision());
            assertEquals(Decision.TOO_FEW_CALLS, at(overall, 99.9).decision(), "200 calls have no P99.9 of their own");
            assertTrue(c.anyRegression());
            RowResult sleeps = c.rows().stream().filter(r -> r.name().equals("clock_nanosleep")).findFirst().orElseThrow();
            assertEquals(Decision.REGRESSION, sleeps.decision());
        }
        // And back: the same difference the other way is an improvement, not a regression.
        Comparison back = compare(slower.json(), base.json());
        assertEquals(Decision.IMPROVEMENT, back.overall().decision());
        assertFalse(back.anyRegression());
    }

    @Test
    void aChangeWithinTheToleranceIsNoChangeEvenWhenSignificant() throws Exception {
        var base = SleepReports.write(dir, "base", 1, 5000, 5 * MS);
        var slower = SleepReports.write(dir, "slower", 2, 5000, 5 * MS + 250_000); // +5%: significant, within 10%
        Comparison c = compare(base.json(), slower.json());
        assertEquals(Decision.NO_CHANGE, at(c.overall(), 50).decision());
        assertTrue(at(c.overall(), 50).lowNs() > 0, "the interval excludes 0");
        Comparison strict = Comparison.of(ReportFile.read(base.json()), ReportFile.read(slower.json()),
                Tolerances.parse("p50=2%"));
        assertEquals(Decision.REGRESSION, at(strict.overall(), 50).decision());
    }

    @Test
    void identicalFilesAreNoChangeEverywhere() throws Exception {
        var a = SleepReports.write(dir, "a", 7, 500, 5 * MS);
        for (Path p : new Path[] {a.json(), a.hlog()}) {
            Comparison c = compare(p, p);
            for (RowResult row : c.rows()) {
                assertTrue(row.decision() == Decision.NO_CHANGE || row.decision() == Decision.TOO_FEW_CALLS, row.toString());
                for (PercentileResult r : row.percentiles()) {
                    assertEquals(0, r.differenceNs(), r.toString());
                }
            }
            assertEquals(Decision.NO_CHANGE, c.overall().decision());
            assertFalse(c.anyRegression());
        }
    }

    @Test
    void aFewCallsAreNotDecided() throws Exception {
        var a = SleepReports.write(dir, "a", 1, 10, 5 * MS);
        var b = SleepReports.write(dir, "b", 2, 10, 50 * MS);
        Comparison c = compare(a.json(), b.json());
        assertEquals(Decision.TOO_FEW_CALLS, c.overall().decision());
        assertFalse(c.anyRegression());
        assertTrue(ComparisonReport.text(c).contains("too few calls"));
    }

    @Test
    void thePercentileNeedsOneCallAboveIt() {
        assertTrue(Comparison.enoughCalls(100, 99));
        assertFalse(Comparison.enoughCalls(99, 99));
        assertFalse(Comparison.enoughCalls(999, 99.9));
        assertTrue(Comparison.enoughCalls(1000, 99.9));
        assertFalse(Comparison.enoughCalls(19, 50));
    }

    @Test
    void theBootstrapsBetaDrawsHaveTheRightMean() {
        SplittableRandom random = new SplittableRandom(3);
        double sum = 0;
        for (int i = 0; i < 20000; i++) {
            sum += QuantileBootstrap.beta(198, 3, random);
        }
        assertEquals(198.0 / 201, sum / 20000, 0.001);
    }

    @Test
    void tolerancesParse() {
        Tolerances t = Tolerances.parse("p50=5%,p99=0.2");
        assertEquals(0.05, t.of(50), 1e-12);
        assertEquals(0.2, t.of(99), 1e-12);
        assertEquals(0.10, t.of(90), 1e-12);
        assertEquals(0.03, Tolerances.parse("3%").of(99.9), 1e-12);
        for (String bad : new String[] {"", "p42=5%", "ten", "-5%", "p50=", "5%%"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tolerances.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void theJsonOutputCarriesEveryDecision() throws Exception {
        var a = SleepReports.write(dir, "a", 1, 200, 5 * MS);
        var b = SleepReports.write(dir, "b", 2, 200, 6 * MS);
        String json = ComparisonReport.json(compare(a.json(), b.json()));
        Object parsed = Json.parse(json);
        assertTrue(parsed instanceof java.util.Map<?, ?>);
        assertTrue(json.contains("\"result\":\"regression\""), json);
        assertTrue(json.contains("\"group\":\"overall\",\"name\":\"all calls\",\"base_count\":200,\"new_count\":200,\"decision\":\"regression\""), json);
    }
}
