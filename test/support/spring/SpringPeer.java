import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaListenerErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A Spring for Apache Kafka service as a Java team writes one, without Spring Boot: a
 * {@code @KafkaListener} with {@code @SendTo} that answers requests, and two ReplyingKafkaTemplates
 * that send them, one with Spring's defaults and one whose reply container is pinned to partition 1.
 *
 * <p>Driven over stdin and stdout, one tab-separated line per request:
 * {@code <id> <default|pinned> <topic> <timeoutMs> <value>} in, and
 * {@code <id> <ok|error> <value or exception>} out. "ready" is printed once every consumer has its
 * partitions. System properties: peer.brokers, peer.listen (the listener's topic), peer.group,
 * peer.replies (the default template's reply topic), peer.pinnedReplies (the pinned one's).
 */
public class SpringPeer {

  /** What a Nest server's error reply becomes on this side (the replyErrorChecker below). */
  public static class NestErrorReply extends RuntimeException {
    public NestErrorReply(String message) {
      super(message);
    }
  }

  @Configuration
  @EnableKafka
  public static class Responder {

    @Bean
    public ProducerFactory<String, String> producerFactory() {
      return new DefaultKafkaProducerFactory<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("peer.brokers"),
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @Bean
    public KafkaTemplate<String, String> kafkaTemplate(ProducerFactory<String, String> producerFactory) {
      return new KafkaTemplate<>(producerFactory);
    }

    @Bean
    public ConsumerFactory<String, String> consumerFactory() {
      return new DefaultKafkaConsumerFactory<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("peer.brokers"),
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<String, String> kafkaListenerContainerFactory(
        ConsumerFactory<String, String> consumerFactory, KafkaTemplate<String, String> kafkaTemplate) {
      ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
      factory.setConsumerFactory(consumerFactory);
      factory.setReplyTemplate(kafkaTemplate);
      return factory;
    }

    /** A failed listener answers with its exception in Spring's own header names, so the caller gets an error, not a timeout. */
    @Bean
    public KafkaListenerErrorHandler replyWithError() {
      return (message, exception) -> {
        Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
        return MessageBuilder.withPayload(KafkaNull.INSTANCE)
            .setHeader(KafkaHeaders.EXCEPTION_MESSAGE, String.valueOf(cause.getMessage()).getBytes(StandardCharsets.UTF_8))
            .setHeader(KafkaHeaders.EXCEPTION_FQCN, cause.getClass().getName().getBytes(StandardCharsets.UTF_8))
            .build();
      };
    }

    @Bean
    public Listener listener() {
      return new Listener();
    }
  }

  public static class Listener {
    @KafkaListener(id = "spring-peer-listener", topics = "${peer.listen}", groupId = "${peer.group}", errorHandler = "replyWithError")
    @SendTo
    public String answer(String request) {
      // Nest writes a string payload as is, objects and arrays as JSON.
      if (request.equals("fail")) throw new IllegalStateException("Spring refused the request");
      // A null result sends no reply: the caller's timeout is all it gets.
      if (request.equals("ignore")) return null;
      boolean json = request.startsWith("{") || request.startsWith("[");
      return "{\"answeredBy\":\"spring\",\"request\":" + (json ? request : "\"" + request + "\"") + "}";
    }
  }

  private static ReplyingKafkaTemplate<String, String, String> requester(
      ProducerFactory<String, String> producers, ConsumerFactory<String, String> consumers, ContainerProperties replies) {
    replies.setGroupId(System.getProperty("peer.group") + "-replies-" + System.nanoTime());
    KafkaMessageListenerContainer<String, String> container = new KafkaMessageListenerContainer<>(consumers, replies);
    ReplyingKafkaTemplate<String, String, String> template = new ReplyingKafkaTemplate<>(producers, container);
    // How a Spring caller recognises a Nest service's error reply.
    template.setReplyErrorChecker(record -> {
      Header error = record.headers().lastHeader("kafka_nest-err");
      return error == null ? null : new NestErrorReply(new String(error.value(), StandardCharsets.UTF_8));
    });
    template.start();
    return template;
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Responder.class);
    ProducerFactory<String, String> producers = context.getBean(ProducerFactory.class);
    ConsumerFactory<String, String> consumers = context.getBean(ConsumerFactory.class);
    ReplyingKafkaTemplate<String, String, String> defaults = requester(producers, consumers, new ContainerProperties(System.getProperty("peer.replies")));
    ReplyingKafkaTemplate<String, String, String> pinned = requester(producers, consumers,
        new ContainerProperties(new TopicPartitionOffset(System.getProperty("peer.pinnedReplies"), 1)));

    if (!defaults.waitForAssignment(Duration.ofSeconds(60))) throw new IllegalStateException("the default reply container got no partition");
    MessageListenerContainer listener = context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("spring-peer-listener");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (listener.getAssignedPartitions() == null || listener.getAssignedPartitions().isEmpty()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the listener got no partition");
      Thread.sleep(50);
    }
    print("ready");

    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = input.readLine()) != null; ) {
      String[] fields = line.split("\t", 5);
      String id = fields[0];
      ReplyingKafkaTemplate<String, String, String> template = fields[1].equals("pinned") ? pinned : defaults;
      ProducerRecord<String, String> request = new ProducerRecord<>(fields[2], fields[4]);
      template.sendAndReceive(request, Duration.ofMillis(Long.parseLong(fields[3]))).whenComplete((reply, failure) -> {
        if (failure == null) {
          print(id + "\tok\t" + replyText(reply));
        } else {
          Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
          print(id + "\terror\t" + cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).replace('\n', ' '));
        }
      });
    }
    defaults.stop();
    pinned.stop();
    context.close();
  }

  private static String replyText(ConsumerRecord<String, String> reply) {
    return reply.partition() + "\t" + reply.value();
  }
}
