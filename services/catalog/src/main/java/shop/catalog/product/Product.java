package shop.catalog.product;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import shop.catalog.category.Category;

/** Something the shop sells. Prices are integer minor units of {@code currency}. */
@Entity
public class Product {

    @Id
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
