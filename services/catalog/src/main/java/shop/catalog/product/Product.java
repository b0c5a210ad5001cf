package shop.catalog.product;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import shop.catalog.category.Category;

/** Something the shop sells. Prices are integer minor units of {@code currency}. */
@Entity
public class Product {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String sku;
    private String name;
    private String description;
    private long priceCents;
    private String currency;
    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "category_id")
    private Category category;
    private String imageUrl;
    private int weightGrams;

    protected Product() {
    }

    Product(ProductDraft draft, Category category) {
        this.sku = draft.sku();
        update(draft, category);
    }

    /** Everything but the SKU, which identifies the product to the other services, may change. */
    void update(ProductDraft draft, Category category) {
        this.name = draft.name();
        this.description = draft.description();
        this.priceCents = draft.priceCents();
        this.currency = draft.currency();
        this.category = category;
        this.imageUrl = draft.imageUrl();
        this.weightGrams = draft.weightGrams();
    }

    public Long getId() {
        return id;
    }

    public String getSku() {
        return sku;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public long getPriceCents() {
        return priceCents;
    }

    public String getCurrency() {
        return currency;
    }

    public Category getCategory() {
        return category;
    }

    public String getImageUrl() {
        return imageUrl;
    }

    public int getWeightGrams() {
        return weightGrams;
    }
}
