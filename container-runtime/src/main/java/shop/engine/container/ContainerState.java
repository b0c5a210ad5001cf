package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A container's state as Docker's inspect shows it; persisted so another engine process can pick it up. */
public record ContainerState(
        @JsonProperty("Status") String status,
        @JsonProperty("Pid") long pid,
        @JsonProperty("SupervisorPid") long supervisorPid,
        @JsonProperty("ExitCode") int exitCode,
        @JsonProperty("StartedAt") String startedAt,
        @JsonProperty("FinishedAt") String finishedAt,
        @JsonProperty("RestartCount") int restartCount,
        @JsonProperty("StoppedByUser") boolean stoppedByUser,
        @JsonProperty("Health") Health health) {

    public static ContainerState created() {
        return new ContainerState("created", 0, 0, 0, null, null, 0, false, null);
    }

    public boolean running() {
        return status.equals("running");
    }

    /** Docker's health record: "starting", "healthy" or "unhealthy", and the failures in a row. */
    public record Health(@JsonProperty("Status") String status, @JsonProperty("FailingStreak") int failingStreak) {
    }

    ContainerState withRunning(long supervisorPid, long pid, String at) {
        return new ContainerState("running", pid, supervisorPid, 0, at, finishedAt, restartCount, false,
                health == null ? null : new Health("starting", 0));
    }

    ContainerState withExited(int code, String at) {
        return new ContainerState("exited", 0, 0, code, startedAt, at, restartCount, stoppedByUser, health);
    }

    ContainerState withRestart() {
        return new ContainerState(status, pid, supervisorPid, exitCode, startedAt, finishedAt, restartCount + 1,
                stoppedByUser, health);
    }

    ContainerState withStoppedByUser() {
        return new ContainerState(status, pid, supervisorPid, exitCode, startedAt, finishedAt, restartCount, true, health);
    }

    ContainerState withHealth(Health h) {
        return new ContainerState(status, pid, supervisorPid, exitCode, startedAt, finishedAt, restartCount, stoppedByUser, h);
    }
}
