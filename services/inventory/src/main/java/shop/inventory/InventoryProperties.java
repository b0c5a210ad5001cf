package shop.inventory;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param reservationTtl how long stock stays held for an order that is not committed
 * @param expirySweepInterval how often expired holds are looked for and returned
 */
@ConfigurationProperties("shop.inventory")
public record InventoryProperties(Duration reservationTtl, Duration expirySweepInterval) {
}
