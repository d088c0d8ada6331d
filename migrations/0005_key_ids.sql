ALTER TABLE `auth_tokens` ADD `key_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `secret_key_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `password_key_id` text;