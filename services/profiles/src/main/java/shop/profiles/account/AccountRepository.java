package shop.profiles.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

interface AccountRepository extends Repository<Account, UUID> {

    Optional<Account> findById(UUID id);

    @Query("select a from Account a where lower(a.email) = lower(:email)")
    Optional<Account> findByEmail(String email);

    Account saveAndFlush(Account account);

    /** One more order; the latest placing time wins, whatever order the events arrive in. */
    @Modifying
    @Query(nativeQuery = true, value = "update account set order_count = order_count + 1,"
            + " last_order_at = greatest(last_order_at, :placedAt) where id = :id")
    int recordOrder(UUID id, Instant placedAt);
}
