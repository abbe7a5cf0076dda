package dev.likeness.contracts.events;

/** The typed payload of a {@link JobEvent}; its class decides the event's {@link EventType}. */
public sealed interface EventData
        permits Accepted, StageStarted, Progress, StageCompleted, Succeeded, Failed, Cancelled, RenderCompleted,
        RenderFailed {
}
