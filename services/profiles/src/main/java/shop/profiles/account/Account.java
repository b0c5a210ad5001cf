package shop.profiles.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;

/** A shopper's (or an admin's) account. The password is kept only as a BCrypt hash. */
@Entity
public class Account {

    @Id
    private UUID id;
    private String email;
    private String passwordHash;
    private String name;
    @Enumerated(EnumType.STRING)
    private Role role;
    @Embedded
    private Address address;
    // Read-only here: the order.placed handler increments them in SQL, so a profile update that
    // loaded the account before an order arrived cannot write back a stale count.
    @Column(insertable = false, updatable = false)
    private int orderCount;
    @Column(insertable = false, updatable = false)
    private Instant lastOrderAt;

    protected Account() {
    }

    Account(String email, String passwordHash, String name, Role role) {
        this.id = UUID.randomUUID();
        this.email = email;
        this.passwordHash = passwordHash;
        this.name = name;
        this.role = role;
    }

    void update(String name, Address address) {
        this.name = name;
        this.address = address;
    }

    public UUID getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    public String getName() {
        return name;
    }

    public Role getRole() {
        return role;
    }

    public Address getAddress() {
        return address;
    }

    public int getOrderCount() {
        return orderCount;
    }

    public Instant getLastOrderAt() {
        return lastOrderAt;
    }
}
