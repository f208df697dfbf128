ALTER TABLE "credit_purchases" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "credit_refunds" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "request_id" text;--> statement-breakpoint
CREATE INDEX "credit_purchases_request_idx" ON "credit_purchases" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "credit_refunds_request_idx" ON "credit_refunds" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "webhook_events_request_idx" ON "webhook_events" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "outbox_request_idx" ON "outbox_messages" USING btree ("request_id");
