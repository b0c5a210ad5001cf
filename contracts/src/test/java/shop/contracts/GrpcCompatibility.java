package shop.contracts;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a new set of .proto files breaks for the clients and servers of the last released one, in
 * the terms of the wire and the generated code: a message, enum, service or RPC removed; a field
 * or enum value removed without reserving its number, or renumbered; a field's type or cardinality
 * changed; an RPC's request, response or streaming changed. Additions break nothing. Written here
 * because the well-kept checker (buf breaking) is a Go tool outside this build's reach.
 */
final class GrpcCompatibility {

    private GrpcCompatibility() {
    }

    /** Each break, naming the element; empty when current keeps every promise of released. */
    static List<String> breaks(FileDescriptorSet released, FileDescriptorSet current) {
        List<String> breaks = new ArrayList<>();
        compare("message", messages(released), messages(current), breaks, GrpcCompatibility::fields);
        compare("enum", enums(released), enums(current), breaks, GrpcCompatibility::values);
        compare("service", services(released), services(current), breaks, GrpcCompatibility::methods);
        return breaks;
    }

    /** What an element kept from one release to the next must keep inside it. */
    private interface Inside<T> {
        void compare(String name, T before, T now, List<String> breaks);
    }

    private static <T> void compare(String kind, Map<String, T> released, Map<String, T> current, List<String> breaks,
                                    Inside<T> inside) {
        released.forEach((name, before) -> {
            T now = current.get(name);
            if (now == null) {
                breaks.add(kind + " " + name + " was removed");
            } else {
                inside.compare(name, before, now, breaks);
            }
        });
    }

    private static void fields(String message, DescriptorProto before, DescriptorProto now, List<String> breaks) {
        Map<String, FieldDescriptorProto> fields = byName(now.getFieldList(), FieldDescriptorProto::getName);
        for (FieldDescriptorProto old : before.getFieldList()) {
            String element = "field " + message + "." + old.getName();
            FieldDescriptorProto field = fields.get(old.getName());
            if (field == null) {
                boolean reserved = now.getReservedRangeList().stream()
                        .anyMatch(r -> r.getStart() <= old.getNumber() && old.getNumber() < r.getEnd());
                if (!reserved) {
                    breaks.add(element + " = " + old.getNumber() + " was removed without reserving its number");
                }
                continue;
            }
            if (field.getNumber() != old.getNumber()) {
                breaks.add(element + " was renumbered from " + old.getNumber() + " to " + field.getNumber());
            }
            if (field.getType() != old.getType() || !field.getTypeName().equals(old.getTypeName())) {
                breaks.add(element + " changed type from " + type(old) + " to " + type(field));
            }
            if (field.getLabel() != old.getLabel()) {
                breaks.add(element + " changed from " + old.getLabel() + " to " + field.getLabel());
            }
        }
    }

    private static void values(String enumName, EnumDescriptorProto before, EnumDescriptorProto now, List<String> breaks) {
        Map<String, EnumValueDescriptorProto> values = byName(now.getValueList(), EnumValueDescriptorProto::getName);
        for (EnumValueDescriptorProto old : before.getValueList()) {
            String element = "enum value " + enumName + "." + old.getName();
            EnumValueDescriptorProto value = values.get(old.getName());
            if (value == null) {
                boolean reserved = now.getReservedRangeList().stream()
                        .anyMatch(r -> r.getStart() <= old.getNumber() && old.getNumber() <= r.getEnd());
                if (!reserved) {
                    breaks.add(element + " = " + old.getNumber() + " was removed without reserving its number");
                }
            } else if (value.getNumber() != old.getNumber()) {
                breaks.add(element + " was renumbered from " + old.getNumber() + " to " + value.getNumber());
            }
        }
    }

    private static void methods(String service, ServiceDescriptorProto before, ServiceDescriptorProto now, List<String> breaks) {
        Map<String, MethodDescriptorProto> methods = byName(now.getMethodList(), MethodDescriptorProto::getName);
        for (MethodDescriptorProto old : before.getMethodList()) {
            String element = "rpc " + service + "." + old.getName();
            MethodDescriptorProto method = methods.get(old.getName());
            if (method == null) {
                breaks.add(element + " was removed");
                continue;
            }
            if (!method.getInputType().equals(old.getInputType())) {
                breaks.add(element + " takes " + method.getInputType() + " instead of " + old.getInputType());
            }
            if (!method.getOutputType().equals(old.getOutputType())) {
                breaks.add(element + " returns " + method.getOutputType() + " instead of " + old.getOutputType());
            }
            if (method.getClientStreaming() != old.getClientStreaming() || method.getServerStreaming() != old.getServerStreaming()) {
                breaks.add(element + " changed its streaming");
            }
        }
    }

    private static String type(FieldDescriptorProto field) {
        return field.getTypeName().isEmpty() ? field.getType().name() : field.getTypeName();
    }

    /** Every message by its full name ({@code .package.Outer.Inner}), nested ones too. */
    private static Map<String, DescriptorProto> messages(FileDescriptorSet set) {
        Map<String, DescriptorProto> messages = new TreeMap<>();
        for (FileDescriptorProto file : set.getFileList()) {
            for (DescriptorProto message : file.getMessageTypeList()) {
                addMessage(prefix(file), message, messages);
            }
        }
        return messages;
    }

    private static void addMessage(String scope, DescriptorProto message, Map<String, DescriptorProto> messages) {
        String name = scope + "." + message.getName();
        messages.put(name, message);
        message.getNestedTypeList().forEach(nested -> addMessage(name, nested, messages));
    }

    private static Map<String, EnumDescriptorProto> enums(FileDescriptorSet set) {
        Map<String, EnumDescriptorProto> enums = new TreeMap<>();
        for (FileDescriptorProto file : set.getFileList()) {
            file.getEnumTypeList().forEach(e -> enums.put(prefix(file) + "." + e.getName(), e));
        }
        messages(set).forEach((name, message) -> message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e)));
        return enums;
    }

    private static Map<String, ServiceDescriptorProto> services(FileDescriptorSet set) {
        Map<String, ServiceDescriptorProto> services = new TreeMap<>();
        for (FileDescriptorProto file : set.getFileList()) {
            file.getServiceList().forEach(s -> services.put(prefix(file) + "." + s.getName(), s));
        }
        return services;
    }

    private static String prefix(FileDescriptorProto file) {
        return file.getPackage().isEmpty() ? "" : "." + file.getPackage();
    }

    private static <T> Map<String, T> byName(List<T> elements, Function<T, String> name) {
        return elements.stream().collect(Collectors.toMap(name, Function.identity()));
    }
}
