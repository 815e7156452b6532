// Runs EPUBCheck for many EPUBs in one JVM: one check per line of tab-separated arguments on stdin.
//
// A fresh JVM spends about six seconds loading EPUBCheck and compiling its schemas before it checks
// anything; a warm one checks the sample's EPUB in a fifth of a second. tests/support/epubcheck.py starts
// this with `java -cp epubcheck.jar EpubCheckServer.java` (the JDK's single-file source launcher) and
// reads one "presswork-epubcheck-done STATUS" line per check. EPUBCheck's own console output goes to
// stderr, so stdout carries only those lines.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {
    public static void main(String[] args) throws Exception {
        PrintStream replies = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = requests.readLine()) != null) {
            int status;
            try {
                status = new EpubChecker().run(line.split("\t"));
            } catch (Throwable problem) {
                problem.printStackTrace();
                status = -1;
            }
            replies.println("presswork-epubcheck-done " + status);
        }
    }
}
