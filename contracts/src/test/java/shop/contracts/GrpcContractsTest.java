package shop.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.TextFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every gRPC contract against its last release, kept in {@value #RELEASED_FILE} (protobuf's text
 * format, so a release's change reads as a diff). protoc writes the current descriptors at
 * generate-sources (pom.xml). Releasing the contracts records the current ones:
 * {@code ./mvnw -pl contracts verify -Dshop.contracts.release}.
 */
class GrpcContractsTest {

    static final String RELEASED_FILE = "released/grpc.txtpb";
    private static final Path RELEASED = Path.of(RELEASED_FILE);
    private static final Path CURRENT = Path.of("target/contracts/grpc.protoset");
    private static final String PRODUCT = ".shop.catalog.v1.Product";

    @Test
    void everyContractKeepsWhatItsLastReleasePromised() throws Exception {
        FileDescriptorSet current = FileDescriptorSet.parseFrom(Files.readAllBytes(CURRENT));
        if (System.getProperty("shop.contracts.release") != null) {
            Files.writeString(RELEASED, "# The gRPC contracts as last released; see GrpcContractsTest.\n"
                    + TextFormat.printer().printToString(current), StandardCharsets.UTF_8);
        }
        FileDescriptorSet released = TextFormat.parse(Files.readString(RELEASED, StandardCharsets.UTF_8), FileDescriptorSet.class);
        assertThat(released.getFileCount()).isPositive();
        assertThat(GrpcCompatibility.breaks(released, current)).as("breaking changes against %s", RELEASED).isEmpty();
    }

    @Test
    void aRenumberedFieldARetypedOneAndARemovedRpcEachBreakByName() throws Exception {
        FileDescriptorSet released = current();
        FileDescriptorSet changed = catalog(released, file -> {
            FileDescriptorProto.Builder builder = file.toBuilder();
            DescriptorProto.Builder product = message(builder, "Product");
            product.getFieldBuilderList().stream().filter(f -> f.getName().equals("sku")).findFirst().orElseThrow().setNumber(20);
            product.getFieldBuilderList().stream().filter(f -> f.getName().equals("weight_grams")).findFirst().orElseThrow()
                    .setType(FieldDescriptorProto.Type.TYPE_STRING);
            builder.getServiceBuilder(0).clearMethod();
            return builder.build();
        });

        assertThat(GrpcCompatibility.breaks(released, changed)).containsExactlyInAnyOrder(
                "field " + PRODUCT + ".sku was renumbered from 2 to 20",
                "field " + PRODUCT + ".weight_grams changed type from TYPE_INT32 to TYPE_STRING",
                "rpc .shop.catalog.v1.CatalogService.GetProducts was removed");
    }

    @Test
    void aFieldMayGoOnlyWithItsNumberReservedAndAdditionsBreakNothing() throws Exception {
        FileDescriptorSet released = current();
        UnaryOperator<FileDescriptorProto> dropDescription = file -> {
            FileDescriptorProto.Builder builder = file.toBuilder();
            DescriptorProto.Builder product = message(builder, "Product");
            product.removeField(3);
            product.addField(FieldDescriptorProto.newBuilder().setName("rating").setNumber(10)
                    .setType(FieldDescriptorProto.Type.TYPE_INT32).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));
            builder.addMessageType(DescriptorProto.newBuilder().setName("Review"));
            return builder.build();
        };
        assertThat(GrpcCompatibility.breaks(released, catalog(released, dropDescription)))
                .containsExactly("field " + PRODUCT + ".description = 4 was removed without reserving its number");

        FileDescriptorSet reserved = catalog(released, file -> {
            FileDescriptorProto.Builder builder = dropDescription.apply(file).toBuilder();
            message(builder, "Product").addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(4).setEnd(5))
                    .addReservedName("description");
            return builder.build();
        });
        assertThat(GrpcCompatibility.breaks(released, reserved)).isEmpty();
        assertThat(GrpcCompatibility.breaks(current(), current())).isEmpty();
    }

    private static FileDescriptorSet current() throws Exception {
        return FileDescriptorSet.parseFrom(Files.readAllBytes(CURRENT));
    }

    /** The set with catalog's file changed. */
    private static FileDescriptorSet catalog(FileDescriptorSet set, UnaryOperator<FileDescriptorProto> change) {
        FileDescriptorSet.Builder builder = set.toBuilder();
        for (int i = 0; i < builder.getFileCount(); i++) {
            if (builder.getFile(i).getPackage().equals("shop.catalog.v1")) {
                builder.setFile(i, change.apply(builder.getFile(i)));
            }
        }
        return builder.build();
    }

    private static DescriptorProto.Builder message(FileDescriptorProto.Builder file, String name) {
        return file.getMessageTypeBuilderList().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }
}
