-- CreateTable
CREATE TABLE "SmsNoticePart" (
    "partId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SmsNoticePart_pkey" PRIMARY KEY ("partId")
);

-- CreateIndex
CREATE INDEX "SmsNoticePart_createdAt_idx" ON "SmsNoticePart"("createdAt");
