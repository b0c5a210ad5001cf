package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A container's state as Docker's inspect shows it; persisted so another engine process can pick it up. */
public record ContainerState(
        @JsonProperty("Status") String status,
        @JsonProperty("Pid") long pid,
        @JsonProperty("ExitCode") int exitCode,
        @JsonProperty("StartedAt") String startedAt,
        @JsonProperty("FinishedAt") String finishedAt,
        @JsonProperty("RestartCount") int restartCount,
        @JsonProperty("StoppedByUser") boolean stoppedByUser,
        @JsonProperty("Health") Health health) {

    public static ContainerState created() {
        return new ContainerState("created", 0, 0, null, null, 0, false, null);
    }

    /** Running, paused included: its processes exist (a paused one's are frozen). */
    public boolean running() {
        return status.equals("running") || status.equals("paused");
    }

    public boolean paused() {
        return status.equals("paused");
    }

    /** Docker's health record: "starting", "healthy" or "unhealthy", and the failures in a row. */
    public record Health(@JsonProperty("Status") String status, @JsonProperty("FailingStreak") int failingStreak) {
    }

    /** With a healthcheck, health starts over at "starting" on every run, as Docker's does. */
    ContainerState withRunning(long pid, String at, boolean checksHealth) {
        return new ContainerState("running", pid, 0, at, finishedAt, restartCount, false,
                checksHealth ? new Health("starting", 0) : null);
    }

    ContainerState withExited(int code, String at) {
        return new ContainerState("exited", 0, code, startedAt, at, restartCount, stoppedByUser, health);
    }

    ContainerState withPaused(boolean paused) {
        return new ContainerState(paused ? "paused" : "running", pid, exitCode, startedAt, finishedAt, restartCount,
                stoppedByUser, health);
    }

    ContainerState withRestart() {
        return new ContainerState(status, pid, exitCode, startedAt, finishedAt, restartCount + 1,
                stoppedByUser, health);
    }

    ContainerState withStoppedByUser() {
        return new ContainerState(status, pid, exitCode, startedAt, finishedAt, restartCount, true, health);
    }

    ContainerState withHealth(Health h) {
        return new ContainerState(status, pid, exitCode, startedAt, finishedAt, restartCount, stoppedByUser, h);
    }
}
