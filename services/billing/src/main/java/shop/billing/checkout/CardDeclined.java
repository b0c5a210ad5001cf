package shop.billing.checkout;

/** The card issuer said no to an authorisation: nothing is held on the card. */
public class CardDeclined extends RuntimeException {

    private final boolean insufficientFunds;

    public CardDeclined(boolean insufficientFunds) {
        super(insufficientFunds ? "declined for insufficient funds" : "declined", null, false, false);
        this.insufficientFunds = insufficientFunds;
    }

    public boolean insufficientFunds() {
        return insufficientFunds;
    }
}
