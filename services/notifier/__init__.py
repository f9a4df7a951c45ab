"""notifier: e-mails deadline alerts to the milestone owners."""
