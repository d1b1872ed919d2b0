import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Tessera: puts every SCRAM-SHA-512 login of this clone's broker (issue #20) back into it, in one
 * AlterUserScramCredentials call, after each start. Kafka 3.9.2 in combined mode was seen to come
 * back from a restart with an empty SCRAM cache on its broker side although the controller replayed
 * every credential (docs/adr/0019); an upsert of the same logins refills it. Run by
 * scripts/infra/lib.sh (kafka_reassert_scram) over the loopback mutual-TLS admin listener.
 *   java ReassertScram.java <client.properties> <name=password file>...
 */
public class ReassertScram {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) { props.load(in); }
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      for (String line : Files.readAllLines(Path.of(args[i]))) {
        int eq = line.indexOf('=');
        if (eq <= 0) continue;
        upserts.add(new UserScramCredentialUpsertion(line.substring(0, eq),
            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), line.substring(eq + 1)));
      }
    }
    try (Admin admin = Admin.create(props)) {
      admin.alterUserScramCredentials(upserts).all().get();
    }
    System.out.println("scram: " + upserts.size() + " logins asserted");
  }
}
