package shop.catalog.category;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A shelf of the shop; shoppers filter by its slug. */
@Entity
public class Category {

    @Id
    private Long id;
    private String name;
    private String slug;

    protected Category() {
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getSlug() {
        return slug;
    }
}
