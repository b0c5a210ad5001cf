package shop.catalog.category;

import java.util.List;

import org.springframework.data.repository.Repository;

interface CategoryRepository extends Repository<Category, Long> {

    List<Category> findAllByOrderByName();
}
