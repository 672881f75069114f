"""The pages of the notifications layer: settings, one-click unsubscribe, the delivery log and custom reminders."""
