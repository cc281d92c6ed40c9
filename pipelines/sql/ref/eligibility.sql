-- object: ref.eligibility
-- grain: one row per card in the fund's offline card eligibility list (<reference>/eligibility.csv); no rows when no list is configured
-- description: the answers of the fund's card look-up (KQNhanLichSuKCB2024, ANCHORS.md §2.2) for the cards of the claims, read each night by pipelines/patients.py load_eligibility from the settings' reference directory (format: the README.md next to the list); the BIZ.CARD.* rules compare every claim's cards with it and find nothing while it is empty. This file only gives the table its shape; it holds card numbers, so the analytics copy hashes them
-- column ma_the_bhyt: card number (15 characters: group, benefit digit, province, 10-digit BHXH number), upper case
-- column gt_the_tu: first day the card is valid
-- column gt_the_den: last day the card is valid
-- column muc_huong: the card's benefit level in percent (80, 95, 100: what its benefit digit stands for, STANDARD.md §4.5), before any route factor
-- column ma_dkbd: the registered primary-care facility (5 characters)
-- column ma_ket_qua: look-up result code (ANCHORS.md §2.2): 000 correct, 003/004 replaced by a new card (old card expired / still valid), 010 expired, 050 no card information, 053 wrong benefit digit, 110 revoked, ...
-- column ma_the_moi: the new card number when the card was replaced, else NULL
CREATE TABLE IF NOT EXISTS ref.eligibility (
    ma_the_bhyt VARCHAR,
    gt_the_tu DATE,
    gt_the_den DATE,
    muc_huong DECIMAL(5, 2),
    ma_dkbd VARCHAR,
    ma_ket_qua VARCHAR,
    ma_the_moi VARCHAR
)
