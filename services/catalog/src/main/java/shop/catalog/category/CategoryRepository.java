package shop.catalog.category;

import java.util.List;
import java.util.Optional;

import org.springframework.data.repository.Repository;

public interface CategoryRepository extends Repository<Category, Long> {

    Optional<Category> findBySlug(String slug);

    List<Category> findAllByOrderByName();
}
