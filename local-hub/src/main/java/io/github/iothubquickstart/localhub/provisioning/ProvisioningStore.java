package io.github.iothubquickstart.localhub.provisioning;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the Device Provisioning Service keeps: the ID scope, enrollments and registration states. Each
 * {@code update} reads, changes and writes one record all or nothing (also against another process sharing the
 * file, such as the CLI): {@code change} gets the current record (empty when absent) and returns the one to keep,
 * or throws to change nothing. Implemented by {@code storage.SqliteProvisioningStore}; in memory for unit tests.
 */
public interface ProvisioningStore extends AutoCloseable {

    /** The ID scope kept in the store; on first call, the one {@code generate} makes, kept from then on. */
    String idScope(Supplier<String> generate);

    Optional<IndividualEnrollment> individualEnrollment(String registrationId);

    List<IndividualEnrollment> individualEnrollments();

    IndividualEnrollment updateIndividualEnrollment(String registrationId,
                                                    Function<Optional<IndividualEnrollment>, IndividualEnrollment> change);

    /** Deletes it if {@code check} (given the current record) does not throw; false when there was none. */
    boolean deleteIndividualEnrollment(String registrationId, java.util.function.Consumer<IndividualEnrollment> check);

    Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId);

    List<EnrollmentGroup> enrollmentGroups();

    EnrollmentGroup updateEnrollmentGroup(String enrollmentGroupId,
                                          Function<Optional<EnrollmentGroup>, EnrollmentGroup> change);

    boolean deleteEnrollmentGroup(String enrollmentGroupId, java.util.function.Consumer<EnrollmentGroup> check);

    Optional<RegistrationState> registrationState(String registrationId);

    List<RegistrationState> registrationStates();

    RegistrationState updateRegistrationState(String registrationId,
                                              Function<Optional<RegistrationState>, RegistrationState> change);

    boolean deleteRegistrationState(String registrationId, java.util.function.Consumer<RegistrationState> check);

    @Override
    void close();
}
