// dcmjs ships no types; Renkei uses its data dictionary and its writer only.
declare module 'dcmjs';
