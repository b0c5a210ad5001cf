package shop.profiles.account;

/** What an account may do: shoppers buy, admins also change the catalog and stock. */
public enum Role {
    SHOPPER, ADMIN
}
