CREATE TABLE `ops_counters` (
	`hour_ms` integer NOT NULL,
	`name` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`hour_ms`, `name`, `detail`)
);
