package dev.ferry.ops;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;

/**
 * The remote JMX connector, at the standard address {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}
 * (RMI registry and connector on the same port), bound to one interface, with a user and password.
 * It serves a private MBean server that holds only {@code ferry:type=Sync}: Camel's own MBeans (which
 * can send messages to any endpoint, i.e. run SQL against production) are not reachable through it.
 */
public final class JmxServer implements AutoCloseable {

    /** The control bean's name. */
    public static final String NAME = "ferry:type=Sync";

    private final JMXConnectorServer connector;
    private final Registry registry;
    private final JMXServiceURL address;

    private JmxServer(JMXConnectorServer connector, Registry registry, JMXServiceURL address) {
        this.connector = connector;
        this.registry = registry;
        this.address = address;
    }

    /** Starts the connector for this bean; the credentials are required (a missing one is a configuration error). */
    public static JmxServer start(String host, int port, String user, String password, SyncControlMBean bean)
            throws IOException {
        if (user == null || user.isBlank() || password == null || password.isBlank()) {
            throw new IllegalArgumentException("FERRY_JMX_PORT is set: FERRY_JMX_USER and FERRY_JMX_PASSWORD are required");
        }
        InetAddress bind = InetAddress.getByName(host);
        // stubs handed to clients must point at the address the connector listens on
        System.setProperty("java.rmi.server.hostname", host);
        RMIServerSocketFactory sockets = new BoundSocketFactory(bind);
        Registry registry = LocateRegistry.createRegistry(port, null, sockets);
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        try {
            server.registerMBean(bean, new ObjectName(NAME));
        } catch (Exception e) {
            throw new IOException("cannot register " + NAME + ": " + e.getMessage(), e);
        }
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, new PasswordAuthenticator(user, password));
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        // only plain types cross the wire: no deserialisation of arbitrary client classes
        env.put("jmx.remote.rmi.server.credentials.filter.pattern", "java.lang.String;!*");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + host + ":" + port + "/jndi/rmi://" + host + ":" + port
                + "/jmxrmi");
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(url, env, server);
        connector.start();
        return new JmxServer(connector, registry, new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port
                + "/jmxrmi"));
    }

    /** The address clients connect to. */
    public JMXServiceURL address() {
        return address;
    }

    @Override
    public void close() {
        try {
            connector.stop();
        } catch (IOException ignored) {
            // stopping anyway
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (Exception ignored) {
            // already gone
        }
    }

    /** Accepts exactly one user and password (compared in constant time). */
    private record PasswordAuthenticator(String user, String password) implements JMXAuthenticator {
        @Override
        public Subject authenticate(Object credentials) {
            if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
                throw new SecurityException("credentials required");
            }
            boolean userOk = MessageDigest.isEqual(pair[0].getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8));
            boolean passwordOk = MessageDigest.isEqual(pair[1].getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8));
            if (!userOk || !passwordOk) {
                throw new SecurityException("invalid credentials");
            }
            return new Subject(true, Set.of(new JMXPrincipal(pair[0])), Set.of(), Set.of());
        }
    }

    /** Server sockets bound to one interface (127.0.0.1 unless FERRY_JMX_HOST says otherwise). */
    private record BoundSocketFactory(InetAddress bind) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, bind);
        }
    }
}
