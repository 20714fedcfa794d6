package io.github.iothubquickstart.localhub.configurations;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where configurations are kept, and which one was last applied to each device's twin (so a restart does not write
 * the same desired properties again). Each call is stored before it returns. Implementations are thread-safe.
 */
public interface ConfigurationStore {

    /** Every configuration, oldest first. */
    List<Configuration> list();

    Optional<Configuration> find(String id);

    /** Stores a new configuration or a new revision of one. */
    void put(Configuration configuration);

    /** Removes the configuration and the record of its application to devices; false if there was none. */
    boolean delete(String id);

    /** Device id to the id of the configuration whose content its twin last got. */
    Map<String, String> applied();

    /** Records that the device's twin got the configuration's content; null forgets the device. */
    void setApplied(String deviceId, String configurationId);
}
