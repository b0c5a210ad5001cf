package shop.catalog.category;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CategoryController {

    record CategoryView(long id, String name, String slug) {
    }

    private final CategoryRepository categories;

    CategoryController(CategoryRepository categories) {
        this.categories = categories;
    }

    @GetMapping("/api/catalog/categories")
    List<CategoryView> categories() {
        return categories.findAllByOrderByName().stream()
                .map(category -> new CategoryView(category.getId(), category.getName(), category.getSlug()))
                .toList();
    }
}
