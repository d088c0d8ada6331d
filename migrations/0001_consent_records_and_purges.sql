CREATE TABLE `pending_purges` (
	`prefix` text PRIMARY KEY NOT NULL,
	`purge_after_ms` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `usage_points` ADD `activation_date` text;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `consent_status` text;