// PatternCheck - parses STIX patterns, one a line on stdin, with the parser
// ANTLR generates from the official STIX 2.1 pattern grammar
// (STIXPattern.g4 in the shared schemas folder). Any syntax error, from the
// lexer or the parser, fails the line. Prints "ok N" or "bad: PATTERN: why"
// per line and exits 1 when any line failed.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.antlr.v4.runtime.*;

public class PatternCheck {
	static class Fail extends RuntimeException {
		Fail(String m) { super(m); }
	}

	static final BaseErrorListener THROW = new BaseErrorListener() {
		@Override
		public void syntaxError(Recognizer<?, ?> r, Object sym, int line, int col, String msg,
		                        RecognitionException e) {
			throw new Fail(col + ": " + msg);
		}
	};

	public static void main(String[] args) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		int n = 0, bad = 0;
		for (String line; (line = in.readLine()) != null;) {
			if (line.isEmpty())
				continue;
			n++;
			try {
				STIXPatternLexer lx = new STIXPatternLexer(CharStreams.fromString(line));
				lx.removeErrorListeners();
				lx.addErrorListener(THROW);
				STIXPatternParser p = new STIXPatternParser(new CommonTokenStream(lx));
				p.removeErrorListeners();
				p.addErrorListener(THROW);
				p.pattern();
			} catch (Fail f) {
				bad++;
				System.out.println("bad: " + line + ": " + f.getMessage());
			}
		}
		System.out.println(bad == 0 ? "ok " + n : "failed " + bad + " of " + n);
		System.exit(bad == 0 ? 0 : 1);
	}
}
