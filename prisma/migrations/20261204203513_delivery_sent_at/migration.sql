-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "sentAt" TIMESTAMP(3),
ADD COLUMN     "sentHttpStatus" INTEGER;

-- AlterTable
ALTER TABLE "PushSubscription" DROP COLUMN "lastSuccessAt";

-- AlterTable
ALTER TABLE "SmsSubscription" DROP COLUMN "lastSuccessAt";
