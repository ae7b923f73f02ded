"""What a case's new events send to the client (connected in ``NotificationsConfig.ready``)."""
