/* startup.c — vector table and reset handler for the MPS2 AN386 (Cortex-M4).
 *
 * The core loads the main stack pointer from word 0 of the vector table and
 * jumps to word 1 (Reset_Handler); nothing has been initialised then, so the
 * handler copies .data from its load address, zeroes .bss, runs the C
 * library's constructors and calls main(). Interrupt numbers are AN386's
 * (QEMU hw/arm/mps2.c): UART0 RX/TX 0/1, timers 8/9, dual timer 10,
 * Ethernet 13. Handlers not defined elsewhere fall into Default_Handler,
 * which reports the exception number on UART0 and stops.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

#define WEAK_ALIAS __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_ALIAS;
void MemManage_Handler(void) WEAK_ALIAS;
void BusFault_Handler(void) WEAK_ALIAS;
void UsageFault_Handler(void) WEAK_ALIAS;
void SVC_Handler(void) WEAK_ALIAS;
void DebugMon_Handler(void) WEAK_ALIAS;
void PendSV_Handler(void) WEAK_ALIAS;
void SysTick_Handler(void) WEAK_ALIAS;
void ETHERNET_IRQHandler(void) WEAK_ALIAS;

/* 16 system exceptions + 32 external interrupts (AN386 has 32). */
#define N_VECTORS (16 + 32)

__attribute__((section(".vectors"), used)) static void (*const vectors[N_VECTORS])(void) = {
    [0] = (void (*)(void)) & __stack_top,
    [1] = Reset_Handler,
    [2] = NMI_Handler,
    [3] = HardFault_Handler,
    [4] = MemManage_Handler,
    [5] = BusFault_Handler,
    [6] = UsageFault_Handler,
    [7 ... 10] = Default_Handler,
    [11] = SVC_Handler,
    [12] = DebugMon_Handler,
    [13] = Default_Handler,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 ... 16 + BOARD_IRQ_ETHERNET - 1] = Default_Handler,
    [16 + BOARD_IRQ_ETHERNET] = ETHERNET_IRQHandler,
    [16 + BOARD_IRQ_ETHERNET + 1 ... N_VECTORS - 1] = Default_Handler,
};

void Reset_Handler(void)
{
    /* Full access to CP10/CP11 (the FPU), in case the firmware was built
     * for a hard-float ABI; harmless with soft float. ARMv7-M ARM B3.2.20. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");

    const uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;)
        *dst++ = 0;
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
        (*f)();
    board_exit(main());
}

/* The active exception number is in IPSR. */
void Default_Handler(void)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    board_panic("unexpected exception", ipsr & 0x1ff, 0);
}

/* The faulting PC is word 6 of the frame the core stacked (on MSP: the only
 * stack here). CFSR says why (ARMv7-M ARM B3.2.15). */
void hardfault_report(const uint32_t *frame);
void hardfault_report(const uint32_t *frame)
{
    board_panic("hard fault", *(volatile uint32_t *)0xE000ED28u, frame[6]);
}

/* Naked: MSP must be read before a C prologue moves it. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("mrs r0, msp\n\tb hardfault_report");
}
