-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "recipientKeys" TEXT[] DEFAULT ARRAY[]::TEXT[];
