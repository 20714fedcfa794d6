package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStore;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** The provisioning store in memory, for the core's unit tests; every method is atomic (synchronized). */
public final class InMemoryProvisioningStore implements ProvisioningStore {
    private String idScope;
    private final Map<String, IndividualEnrollment> individuals = new TreeMap<>();
    private final Map<String, EnrollmentGroup> groups = new TreeMap<>();
    private final Map<String, RegistrationState> registrations = new TreeMap<>();

    @Override
    public synchronized String idScope(Supplier<String> generate) {
        if (idScope == null) {
            idScope = generate.get();
        }
        return idScope;
    }

    @Override
    public synchronized Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
        return Optional.ofNullable(individuals.get(registrationId));
    }

    @Override
    public synchronized List<IndividualEnrollment> individualEnrollments() {
        return new ArrayList<>(individuals.values());
    }

    @Override
    public synchronized IndividualEnrollment updateIndividualEnrollment(String registrationId,
            Function<Optional<IndividualEnrollment>, IndividualEnrollment> change) {
        return update(individuals, registrationId, change);
    }

    @Override
    public synchronized boolean deleteIndividualEnrollment(String registrationId,
                                                           Consumer<IndividualEnrollment> check) {
        return delete(individuals, registrationId, check);
    }

    @Override
    public synchronized Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
        return Optional.ofNullable(groups.get(enrollmentGroupId));
    }

    @Override
    public synchronized List<EnrollmentGroup> enrollmentGroups() {
        return new ArrayList<>(groups.values());
    }

    @Override
    public synchronized EnrollmentGroup updateEnrollmentGroup(String enrollmentGroupId,
            Function<Optional<EnrollmentGroup>, EnrollmentGroup> change) {
        return update(groups, enrollmentGroupId, change);
    }

    @Override
    public synchronized boolean deleteEnrollmentGroup(String enrollmentGroupId, Consumer<EnrollmentGroup> check) {
        return delete(groups, enrollmentGroupId, check);
    }

    @Override
    public synchronized Optional<RegistrationState> registrationState(String registrationId) {
        return Optional.ofNullable(registrations.get(registrationId));
    }

    @Override
    public synchronized List<RegistrationState> registrationStates() {
        return new ArrayList<>(registrations.values());
    }

    @Override
    public synchronized RegistrationState updateRegistrationState(String registrationId,
            Function<Optional<RegistrationState>, RegistrationState> change) {
        return update(registrations, registrationId, change);
    }

    @Override
    public synchronized boolean deleteRegistrationState(String registrationId, Consumer<RegistrationState> check) {
        return delete(registrations, registrationId, check);
    }

    @Override
    public void close() {
    }

    private static <T> T update(Map<String, T> records, String id, Function<Optional<T>, T> change) {
        T changed = change.apply(Optional.ofNullable(records.get(id)));
        records.put(id, changed);
        return changed;
    }

    private static <T> boolean delete(Map<String, T> records, String id, Consumer<T> check) {
        T current = records.get(id);
        if (current == null) {
            return false;
        }
        check.accept(current);
        records.remove(id);
        return true;
    }
}
