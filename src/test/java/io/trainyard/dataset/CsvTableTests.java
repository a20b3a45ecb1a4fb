package io.trainyard.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.trainyard.system.Decimals;
import io.trainyard.system.InvalidRequestException;

class CsvTableTests {

    @Test
    void targetsAreChosenByNameAndInputsKeepFileOrder() {
        CsvTable table = parse("a,t1,b,t2\n1,2,3,4\n5,6,7,8\n", List.of("t2", "t1"));

        assertThat(table.columns()).containsExactly("a", "b", "t2", "t1");
        assertThat(table.x()).isDeepEqualTo(new double[][] {{1, 3}, {5, 7}});
        assertThat(table.y()).isDeepEqualTo(new double[][] {{4, 2}, {8, 6}});
    }

    @Test
    void aByteOrderMarkAndBlankLinesDoNotChangeNamesOrLineNumbers() {
        CsvTable table = parse("\uFEFFx,y\n\n1,2\n", List.of());
        assertThat(table.columns()).containsExactly("x", "y");
        // A quoted first name after the mark is quoted, not a name with quotes in it (utf-8-sig with QUOTE_ALL).
        CsvTable quoted = parse("\uFEFF\"a\",\"b\",\"c\"\r\n1,2,3\r\n", List.of("a"));
        assertThat(quoted.columns()).containsExactly("b", "c", "a");
        // Only at the very start: elsewhere it is a character of the text.
        assertThat(parse("x,\uFEFFy\n1,2\n", List.of()).columns()).containsExactly("x", "\uFEFFy");

        assertThatThrownBy(() -> parse("x,y\n1,2\n\n3,oops\n", List.of()))
                .hasMessageContaining("line 4, column 'y'")
                .hasMessageContaining("'oops' is not a number");
    }

    @Test
    void columnNamesAreAtMostWhatAModelKeepsOfThem() {
        String longest = "n".repeat(200);
        assertThat(parse(longest + ",y\n1,2\n", List.of()).columns()).containsExactly(longest, "y");

        assertThat(problem("x," + "n".repeat(201) + "\n1,2\n"))
                .contains("line 1, column 2")
                .contains("201 characters")
                .contains("at most 200");
        // Characters as a person counts them: an emoji is one (two UTF-16 units).
        String emoji = "\uD83D\uDE00".repeat(200);
        assertThat(parse(emoji + ",y\n1,2\n", List.of()).columns()).containsExactly(emoji, "y");
        assertThat(problem("x," + emoji + "\uD83D\uDE00\n1,2\n")).contains("201 characters");
    }

    @Test
    void columnNamesAreHeldToTheCharacterRulesOfEveryOtherName() {
        // PostgreSQL cannot store it, and a model's import refuses it as an input name.
        assertThat(problem("a\u0000b,c,y\n1,2,3\n"))
                .contains("line 1, column 1")
                .contains("NUL");
        assertThat(problem("a,c\u0000d,y\n1,2,3\n")).contains("line 1, column 2");
        // At the end of a name or a number too: kept, and refused, not cut off like whitespace.
        assertThat(problem("a\u0000,b,y\n1,2,3\n")).contains("line 1, column 1").contains("NUL");
        assertThat(problem("a,b,y\n1,2\u0000,3\n"))
                .contains("line 2, column 'b'")
                .contains("is not a number");
        assertThat(problem("a,b,y\n1,\u00012,3\n"))
                .contains("line 2, column 'b'")
                .contains("is not a number");
        // Whitespace around a cell, quoted or not, is still no part of it.
        CsvTable spaced = parse(" a ,\t\"b \", y\n 1 ,\" 2\t\",3 \n", List.of());
        assertThat(spaced.columns()).containsExactly("a", "b", "y");
        assertThat(spaced.x()).isDeepEqualTo(new double[][] {{1, 2}});
        assertThat(spaced.y()).isDeepEqualTo(new double[][] {{3}});
    }

    @Test
    void everyBadFileNamesTheLineAndColumn() {
        assertThat(problem("x,y\n1,2\n3\n")).contains("line 3, column 'y'").contains("missing");
        assertThat(problem("x,y\n1,2,3\n")).contains("line 2, column 3").contains("too many");
        assertThat(problem("x,y\n1,NaN\n")).contains("line 2, column 'y'").contains("not a finite number");
        assertThat(problem("x,y\n-Infinity,1\n")).contains("line 2, column 'x'").contains("not a finite number");
        assertThat(problem("x,y\n1e999,1\n")).contains("line 2, column 'x'").contains("not a finite number");
        assertThat(problem("x,y\n1,\n")).contains("line 2, column 'y'").contains("empty");
        // Each target a double, but their squares (a loss of the network that predicts 0) beyond one.
        assertThat(problem("x,y\n1,1e200\n2,1\n"))
                .contains("the squares of target column 'y' sum beyond the range of a double")
                .contains("rescale");
        assertThat(problem("")).contains("line 1").contains("empty");
        assertThat(problem("x,y\n")).contains("line 2").contains("no data rows");
        // Broken quoting: the parser's own words and line, not the name of its exception class.
        assertThat(problem("x,y\n\"1,2\n3,4\n"))
                .contains("not valid CSV")
                .contains("line 2")
                .doesNotContain("org.apache")
                .doesNotContain("Exception");
        assertThatThrownBy(() -> parse("x,y\n1,2\n", List.of("z")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("unknown target column 'z'");
    }

    @Test
    void theCellLimitIsEnforcedWhileReading() {
        assertThatThrownBy(() -> CsvTable.parse(new StringReader("x,y\n1,2\n3,4\n5,6\n"), List.of(), 5))
                .hasMessageContaining("line 4")
                .hasMessageContaining("trainyard.limits.max-data-cells");
    }

    @Test
    void aHugeCellIsRefusedByItsLengthAtOnce() {
        // The old backtracking pattern took minutes on this cell; the check must not depend on its content.
        String digits = "9".repeat(200_000) + "x";
        long start = System.nanoTime();

        assertThat(problem("x,y\n1," + digits + "\n"))
                .contains("line 2, column 'y'")
                .contains("200001 characters");
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedWhileReading() {
        String longLine = "1," + "1".repeat(CsvTable.MAX_LINE_CHARS);

        assertThat(problem("x,y\n1,2\n" + longLine + "\n")).contains("line 3").contains("longer than");
    }

    @Test
    void numbersAreRecognisedByOneLinearScan() {
        for (String ok : List.of("0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-.5e+7", "007")) {
            assertThat(Decimals.isDecimal(ok)).as(ok).isTrue();
        }
        for (String bad : List.of(
                "",
                "+",
                ".",
                "e5",
                "1e",
                "1e+",
                "0x10",
                "1f",
                "1d",
                "NaN",
                "Infinity",
                "1..2",
                "1.2.3",
                "--1",
                "1 2",
                "١")) {
            assertThat(Decimals.isDecimal(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theTestSplitIsSeededAndLeavesRowsForTraining() {
        double[][] x = new double[10][];
        double[][] y = new double[10][];
        for (int i = 0; i < 10; i++) {
            x[i] = new double[] {i};
            y[i] = new double[] {i * 2};
        }

        TrainTestSplit a = TrainTestSplit.of(x, y, 0.3, 5);
        TrainTestSplit b = TrainTestSplit.of(x, y, 0.3, 5);
        TrainTestSplit c = TrainTestSplit.of(x, y, 0.3, 6);

        assertThat(a.testX()).hasNumberOfRows(3).isDeepEqualTo(b.testX());
        assertThat(a.trainX()).hasNumberOfRows(7);
        assertThat(c.testX()).isNotEqualTo(a.testX());
        assertThatThrownBy(() -> TrainTestSplit.of(x, y, 0.01, 1)).hasMessageContaining("less than one row");
        assertThatThrownBy(() -> TrainTestSplit.of(x, y, 0.99, 1)).hasMessageContaining("no rows are left");
    }

    private static CsvTable parse(String csv, List<String> targets) {
        return CsvTable.parse(new StringReader(csv), targets, Long.MAX_VALUE);
    }

    private static String problem(String csv) {
        return org.junit.jupiter.api.Assertions.assertThrows(InvalidRequestException.class, () -> parse(csv, List.of()))
                .getMessage();
    }
}
