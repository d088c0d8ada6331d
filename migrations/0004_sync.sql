ALTER TABLE `usage_points` ADD `sync` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `sync_soon_at_ms` integer;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `sync_since_ms` integer;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `sync_stopped` text;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `last_sync_at` text;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `synced_through` text;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `last_sync_attempt_ms` integer;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `sync_failed_at_ms` integer;--> statement-breakpoint
ALTER TABLE `usage_points` ADD `last_read_day` text;--> statement-breakpoint
ALTER TABLE `users` ADD `public_key` text;--> statement-breakpoint
ALTER TABLE `users` ADD `private_key_sealed` text;